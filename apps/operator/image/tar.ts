/**
 * A deterministic tar writer: the same entries give the same bytes, whatever the files' times,
 * owners or the order they were found in. That is what makes the image's digest reproducible;
 * GNU tar needs a dozen flags for it and umoci takes times and owners from the disk.
 *
 * ustar headers; a path or link target too long for them gets a PAX header of its own (no times,
 * no names of the build user). Every entry carries the same mtime (SOURCE_DATE_EPOCH).
 */
import { createReadStream } from 'node:fs';

export type TarEntry =
  | { type: 'dir'; path: string; mode: number; uid?: number; gid?: number }
  | { type: 'file'; path: string; mode: number; uid?: number; gid?: number; size: number; source: FileSource }
  | { type: 'symlink'; path: string; target: string; uid?: number; gid?: number };

/** A file's content: bytes in memory, or a file on disk read when the entry is written. */
export type FileSource = { bytes: Buffer } | { file: string };

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width - 1 digits and a NUL, as ustar wants.
  const text = value.toString(8);
  if (text.length > width - 1) throw new Error(`tar: ${value} does not fit a ${width}-byte field`);
  return text.padStart(width - 1, '0') + '\0';
}

function field(header: Buffer, offset: number, width: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > width) throw new Error(`tar: "${text}" does not fit a ${width}-byte field`);
  bytes.copy(header, offset);
}

interface HeaderSpec {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
}

function header(spec: HeaderSpec): Buffer {
  const h = Buffer.alloc(BLOCK);
  field(h, 0, 100, spec.name);
  field(h, 100, 8, octal(spec.mode, 8));
  field(h, 108, 8, octal(spec.uid, 8));
  field(h, 116, 8, octal(spec.gid, 8));
  field(h, 124, 12, octal(spec.size, 12));
  field(h, 136, 12, octal(spec.mtime, 12));
  field(h, 148, 8, '        ');
  field(h, 156, 1, spec.typeflag);
  field(h, 157, 100, spec.linkname);
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  field(h, 329, 8, octal(0, 8));
  field(h, 337, 8, octal(0, 8));
  let sum = 0;
  for (const byte of h) sum += byte;
  field(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** A PAX record is "<length> key=value\n", where the length counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length += 1;
  return `${length}${body}`;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** Entries in the order they are written: by path, so parents come before their children. */
export function sortEntries(entries: Iterable<TarEntry>): TarEntry[] {
  return [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

/**
 * The tar stream of `entries` (already sorted and complete: every parent directory present).
 * Paths are relative ("etc/passwd"); directories are written with a trailing slash.
 */
export async function* tarStream(entries: TarEntry[], mtime: number): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    const name = entry.type === 'dir' ? `${entry.path}/` : entry.path;
    const linkname = entry.type === 'symlink' ? entry.target : '';
    const records: string[] = [];
    if (Buffer.byteLength(name) > 100) records.push(paxRecord('path', name));
    if (Buffer.byteLength(linkname) > 100) records.push(paxRecord('linkpath', linkname));
    if (records.length > 0) {
      const pax = Buffer.from(records.join(''), 'utf8');
      yield header({ name: 'PaxHeader', mode: 0o644, uid: 0, gid: 0, size: pax.length, mtime, typeflag: 'x', linkname: '' });
      yield pax;
      yield padding(pax.length);
    }
    const common = {
      name: Buffer.byteLength(name) > 100 ? name.slice(0, 99) : name,
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      mtime,
      linkname: Buffer.byteLength(linkname) > 100 ? '' : linkname,
    };
    if (entry.type === 'dir') yield header({ ...common, mode: entry.mode, size: 0, typeflag: '5' });
    else if (entry.type === 'symlink') yield header({ ...common, mode: 0o777, size: 0, typeflag: '2' });
    else {
      yield header({ ...common, mode: entry.mode, size: entry.size, typeflag: '0' });
      let written = 0;
      if ('bytes' in entry.source) {
        written = entry.source.bytes.length;
        yield entry.source.bytes;
      } else {
        for await (const chunk of createReadStream(entry.source.file)) {
          written += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      }
      // A file that changed size since it was listed would corrupt every entry after it.
      if (written !== entry.size) throw new Error(`tar: ${entry.path} changed while being written (${written} != ${entry.size} bytes)`);
      yield padding(entry.size);
    }
  }
  yield Buffer.alloc(BLOCK * 2);
}
