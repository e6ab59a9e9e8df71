/**
 * The one XML escaper (and entity decoder) of virtwarden: every piece of text put into an XML
 * document — attribute or element — goes through `escapeXml`, so a name with `'`, `&` or `<`
 * can never break out of the document it is written into.
 */
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&apos;',
  '"': '&quot;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>'"]/g, (c) => ESCAPES[c] ?? c);
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
  '&quot;': '"',
  '&apos;': "'",
};

/** The five predefined entities and numeric references back to characters. */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (e) => {
    const named = ENTITIES[e];
    if (named !== undefined) return named;
    const code = e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : e;
  });
}
