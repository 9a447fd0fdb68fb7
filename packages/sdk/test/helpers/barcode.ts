// Reads the barcodes of a printed waybill the way a scanner would: Chromium (Debian's, driven by
// playwright-core, launched like the console's browser tests) renders the HTML, each barcode element is screenshotted to a PNG, and ZXing's
// Code 128 reader decodes the pixels. Nothing compares strings with the emulator's own output.
import zxing from '@zxing/library';
import { PNG } from 'pngjs';
import { launchBrowser } from '../../../emulator/test/console/browser.js';

export { skipWithoutChromium } from '../../../emulator/test/console/browser.js';

// @zxing/library is CommonJS: its named exports are reached through the default import.
const { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } = zxing;

/** Decodes the one 1-D barcode in a PNG; throws when none is found. */
export function decodeBarcodePng(data: Buffer): { text: string; format: string } {
  const png = PNG.sync.read(data);
  const luminance = new Uint8ClampedArray(png.width * png.height);
  for (let i = 0; i < luminance.length; i++) {
    const r = png.data[i * 4] as number;
    const g = png.data[i * 4 + 1] as number;
    const b = png.data[i * 4 + 2] as number;
    luminance[i] = (r * 299 + g * 587 + b * 114) / 1000;
  }
  const source = new RGBLuminanceSource(luminance, png.width, png.height);
  const reader = new MultiFormatReader();
  const hints = new Map<zxing.DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]],
    [DecodeHintType.TRY_HARDER, true],
  ]);
  const result = reader.decode(new BinaryBitmap(new HybridBinarizer(source)), hints);
  return { text: result.getText(), format: BarcodeFormat[result.getBarcodeFormat()] as string };
}

/** Renders `html` in Chromium and decodes every element matching `selector` as a barcode. */
export async function scanBarcodes(html: string, selector = '.barcode'): Promise<string[]> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    await page.setContent(html);
    const out: string[] = [];
    for (const el of await page.locator(selector).all()) {
      out.push(decodeBarcodePng(await el.screenshot({ type: 'png' })).text);
    }
    return out;
  } finally {
    await browser.close();
  }
}
