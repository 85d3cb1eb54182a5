import { auditLog } from '@walkydoggy/shared/db';
import type { Executor } from './db.js';

export type AuditEntry = {
  actorId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
};

/** Request facts worth keeping with an audit entry. */
export type RequestMeta = { ip: string | null; userAgent: string | null };

/** Writes an audit entry in the caller's transaction, so it exists exactly when the change does. */
export async function audit(exec: Executor, entry: AuditEntry): Promise<void> {
  await exec.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent?.slice(0, 300) ?? null,
    details: entry.details ?? {},
  });
}
