/** A minimal iCalendar reader for tests: unfolds lines and collects VCALENDAR and VEVENT properties. */

export function unfold(ics: string): string[] {
  return ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((l) => l !== '');
}

export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

export type ParsedIcs = { props: Record<string, string>; events: Record<string, string>[] };

export function parseIcs(ics: string): ParsedIcs {
  const lines = unfold(ics);
  if (lines[0] !== 'BEGIN:VCALENDAR' || lines.at(-1) !== 'END:VCALENDAR') throw new Error('Not a VCALENDAR');
  const props: Record<string, string> = {};
  const events: Record<string, string>[] = [];
  let event: Record<string, string> | null = null;
  for (const line of lines.slice(1, -1)) {
    if (line === 'BEGIN:VEVENT') {
      event = {};
      continue;
    }
    if (line === 'END:VEVENT') {
      if (!event) throw new Error('END:VEVENT without BEGIN');
      events.push(event);
      event = null;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 1) throw new Error(`Bad content line: ${line}`);
    const name = line.slice(0, colon);
    const target = event ?? props;
    if (name in target) throw new Error(`Repeated property ${name}`);
    target[name] = line.slice(colon + 1);
  }
  if (event) throw new Error('Unclosed VEVENT');
  return { props, events };
}
