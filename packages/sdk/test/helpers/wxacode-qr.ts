// Decodes code images in the wxacode tests (sdk, emulator, cli): pngjs reads the PNG, jsQR the QR code.
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const jsQR = jsQRModule.default;

/** The PNG and the text of the QR code it shows (undefined when none is found). */
export function decodeQr(data: Buffer): { text: string | undefined; png: PNG } {
  const png = PNG.sync.read(data);
  const qr = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  return { text: qr?.data, png };
}
