/**
 * Bytes to text, refusing what is not a manifest before the YAML parser sees it: files over
 * the size cap, binary files (NUL bytes), UTF-16 and invalid UTF-8 (named by byte offset and
 * line). A UTF-8 byte order mark is dropped.
 */
import { isUtf8 } from 'node:buffer';
import type { Diagnostic, SourceSpan } from '../model/diagnostic.js';
import { diag } from './diagnostics.js';

/** Largest manifest or definition file read (bytes). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type Decoded =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

function spanAtByte(file: string, bytes: Uint8Array, offset: number): SourceSpan {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { file, line, col: offset - lineStart + 1 };
}

/** Offset of the first byte that breaks UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** The diagnostic for a file over the size cap. */
export function tooLargeDiagnostic(file: string, size: number): Diagnostic {
  return diag(
    'fileTooLarge',
    `file is ${(size / 1024 / 1024).toFixed(1)} MiB; files are limited to ${MAX_FILE_BYTES / 1024 / 1024} MiB`,
    { file, line: 1, col: 1 },
    { hint: 'split the manifests over several files' },
  );
}

const tooLarge = (file: string, size: number): Decoded => ({
  ok: false,
  diagnostic: tooLargeDiagnostic(file, size),
});

/** Check and decode one file's content. */
export function decodeSource(file: string, content: string | Uint8Array): Decoded {
  if (typeof content === 'string') {
    if (content.length > MAX_FILE_BYTES) return tooLarge(file, content.length);
    const nul = content.indexOf('\0');
    if (nul >= 0) {
      const bytes = Buffer.from(content.slice(0, nul));
      return binary(file, spanAtByte(file, bytes, bytes.length), bytes.length);
    }
    return { ok: true, text: content.startsWith('\uFEFF') ? content.slice(1) : content };
  }
  if (content.length > MAX_FILE_BYTES) return tooLarge(file, content.length);
  if (
    (content[0] === 0xff && content[1] === 0xfe) ||
    (content[0] === 0xfe && content[1] === 0xff)
  ) {
    return {
      ok: false,
      diagnostic: diag(
        'notUtf8',
        'file is UTF-16 encoded',
        { file, line: 1, col: 1 },
        {
          hint: 'save it as UTF-8',
        },
      ),
    };
  }
  const nul = content.indexOf(0);
  if (nul >= 0) return binary(file, spanAtByte(file, content, nul), nul);
  if (!isUtf8(content)) {
    const offset = Math.max(0, firstInvalidUtf8(content));
    const at = spanAtByte(file, content, offset);
    const hex = (content[offset] ?? 0).toString(16).padStart(2, '0');
    return {
      ok: false,
      diagnostic: diag(
        'notUtf8',
        `file is not valid UTF-8: byte 0x${hex} at byte offset ${offset} (line ${at.line})`,
        at,
        { hint: 'save it as UTF-8 (a Latin-1 editor setting is the usual cause)' },
      ),
    };
  }
  const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  return { ok: true, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

function binary(file: string, at: SourceSpan, offset: number): Decoded {
  return {
    ok: false,
    diagnostic: diag(
      'binaryFile',
      `file contains a NUL byte at byte offset ${offset} (line ${at.line}): it is binary, not YAML`,
      at,
      { hint: 'only YAML manifests belong in the manifest directory' },
    ),
  };
}
