/**
 * Just enough image parsing for the emulator's uploads (temp media, OCR): is this an image WeChat
 * would accept, and how big is it (`img_size`)? Reads headers only; never decodes pixels.
 */

export interface ImageInfo {
  /** `png`, `jpeg`, `gif`, `bmp` or `webp`. */
  format: string;
  contentType: string;
  /** Pixels; 0 when the header is truncated. */
  w: number;
  h: number;
}

/** Format and size from the header bytes, or undefined when the bytes are not an image. */
export function imageInfo(data: Buffer): ImageInfo | undefined {
  if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47) {
    return { format: 'png', contentType: 'image/png', w: data.readUInt32BE(16), h: data.readUInt32BE(20) };
  }
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) {
    return { format: 'jpeg', contentType: 'image/jpeg', ...jpegSize(data) };
  }
  if (data.length >= 10 && data.toString('latin1', 0, 4) === 'GIF8') {
    return { format: 'gif', contentType: 'image/gif', w: data.readUInt16LE(6), h: data.readUInt16LE(8) };
  }
  if (data.length >= 26 && data[0] === 0x42 && data[1] === 0x4d) {
    return {
      format: 'bmp',
      contentType: 'image/bmp',
      w: Math.abs(data.readInt32LE(18)),
      h: Math.abs(data.readInt32LE(22)),
    };
  }
  if (data.length >= 30 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') {
    return { format: 'webp', contentType: 'image/webp', ...webpSize(data) };
  }
  return undefined;
}

/** The first SOFn marker carries height then width. */
function jpegSize(data: Buffer): { w: number; h: number } {
  let i = 2;
  while (i + 9 < data.length) {
    if (data[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = data[i + 1];
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0xff) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { h: data.readUInt16BE(i + 5), w: data.readUInt16BE(i + 7) };
    i += 2 + data.readUInt16BE(i + 2);
  }
  return { w: 0, h: 0 };
}

function webpSize(data: Buffer): { w: number; h: number } {
  const chunk = data.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { w: data.readUIntLE(24, 3) + 1, h: data.readUIntLE(27, 3) + 1 };
  if (chunk === 'VP8L') {
    const b = data.readUInt32LE(21);
    return { w: (b & 0x3fff) + 1, h: ((b >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ') return { w: data.readUInt16LE(26) & 0x3fff, h: data.readUInt16LE(28) & 0x3fff };
  return { w: 0, h: 0 };
}
