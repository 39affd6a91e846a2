/**
 * The doctor's report: a table with a line per check and, on each line that is not ok, its fix.
 * Cells wrap within their column so the table stays a table in an 80- or 200-column terminal.
 */
import type { DoctorLine, Status } from './doctor';

const LABEL: Record<Status, string> = { ok: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own, cut). */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let rest = word; rest.length;) {
      const piece = rest.slice(0, width);
      rest = rest.slice(width);
      if (line === '') line = piece;
      else if (line.length + 1 + piece.length <= width) line += ` ${piece}`;
      else {
        out.push(line);
        line = piece;
      }
    }
  }
  if (line !== '' || out.length === 0) out.push(line);
  return out;
}

export function renderTable(lines: DoctorLine[], columns = 160): string {
  const statusWidth = 4;
  const checkWidth = Math.min(50, Math.max(20, ...lines.map((l) => l.check.length)));
  const rest = Math.max(40, columns - statusWidth - checkWidth - 9);
  const resultWidth = Math.floor(rest * 0.45);
  const fixWidth = rest - resultWidth;
  const row = (cells: string[][]): string[] => {
    const height = Math.max(...cells.map((c) => c.length));
    const widths = [statusWidth, checkWidth, resultWidth, fixWidth];
    return Array.from(
      { length: height },
      (_, i) => `| ${cells.map((c, j) => (c[i] ?? '').padEnd(widths[j])).join(' | ')} |`,
    );
  };
  const rule = `+${[statusWidth, checkWidth, resultWidth, fixWidth].map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const out = [rule, ...row([['    '], ['check'], ['result'], ['fix']]), rule];
  for (const l of lines)
    out.push(
      ...row([[LABEL[l.status]], wrap(l.check, checkWidth), wrap(l.detail, resultWidth), wrap(l.fix ?? '', fixWidth)]),
    );
  out.push(rule);
  const count = (s: Status) => lines.filter((l) => l.status === s).length;
  out.push(`${count('ok')} ok, ${count('warn')} warnings, ${count('fail')} failed, ${count('skip')} skipped`);
  return out.join('\n');
}
