import { nextTick } from 'vue';
import { emailSchema } from '@walkydoggy/shared';
import { ApiError } from '../api/client';

type Issue = { path: readonly PropertyKey[]; message: string };

/** First message per field from a failed `safeParse` of a shared Zod schema, keyed like `email`. */
export function issuesByField(issues: readonly Issue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.');
    errors[key] ??= issue.message;
  }
  return errors;
}

/** A sentence to show for any failure; API errors already carry one written for people. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return 'Something went wrong. Please try again.';
}

/** Drop every key of a reactive error map in place. */
export function resetErrors(errors: Record<string, string>): void {
  for (const key of Object.keys(errors)) delete errors[key];
}

/** Saves text as a file through a temporary link. */
export function downloadText(filename: string, text: string, type = 'text/plain'): void {
  downloadBlob(filename, new Blob([text], { type }));
}

/** Saves a blob (a PDF the API sent) as a file through a temporary link. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** After a failed submit, put the keyboard on the first field that needs fixing. */
export function focusFirstInvalid(form: HTMLElement | null | undefined): void {
  void nextTick(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** The API's own e-mail rule (packages/shared): the message to show, or null when the address is fine. */
export function emailProblem(value: string): string | null {
  const result = emailSchema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'Enter a valid e-mail address.');
}
