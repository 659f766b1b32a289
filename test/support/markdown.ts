/** The rows of the first table after `heading` (a whole heading line, e.g. `## Error codes`), as cells, header and rule dropped. */
export function tableUnder(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`No heading "${heading}"`);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (line.startsWith('|')) {
      inTable = true;
      rows.push(
        line
          .slice(1, line.endsWith('|') ? -1 : undefined)
          .split('|')
          .map((cell) => cell.trim()),
      );
    } else if (inTable) break;
  }
  return rows.slice(2);
}

/** The first `code` span of a cell: `` `BAD_FRAME` *(addition)* `` → `BAD_FRAME`. */
export function codeIn(cell: string | undefined): string | undefined {
  return cell?.match(/`([^`]+)`/)?.[1];
}

/** The text of each fenced block of `language` in the section under `heading`, up to the next heading of the same or a higher level. */
export function codeBlocksUnder(markdown: string, heading: string, language = 'ts'): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`No heading "${heading}"`);
  const level = heading.indexOf(' ');
  const blocks: string[] = [];
  let block: string[] | undefined;
  for (const line of lines.slice(start + 1)) {
    if (block) {
      if (line.startsWith('```')) {
        blocks.push(`${block.join('\n')}\n`);
        block = undefined;
      } else block.push(line);
    } else if (line.startsWith(`\`\`\`${language}`)) block = [];
    else if (/^#+ /.test(line) && line.indexOf(' ') <= level) break;
  }
  return blocks;
}
