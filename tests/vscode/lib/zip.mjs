// Just enough of the ZIP format to list and extract a .vsix (no zip64, no encryption): reads the
// central directory, then each entry's local header and data.
import { mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export function listZip(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const externalAttributes = buf.readUInt32LE(at + 38);
    const localHeader = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({ name, method, compressedSize, size, localHeader, mode: externalAttributes >>> 16 });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { buf, entries };
}

export function extractZip(file, dest) {
  const { buf, entries } = listZip(file);
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const h = e.localHeader;
    const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
    const raw = buf.subarray(start, start + e.compressedSize);
    const data = e.method === 0 ? raw : inflateRawSync(raw);
    const out = join(dest, e.name);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, data);
    if (e.mode & 0o111) chmodSync(out, e.mode & 0o777);
  }
  return entries;
}
