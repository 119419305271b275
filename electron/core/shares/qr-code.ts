/**
 * The QR code on the paper form: the binary envelope in one byte-mode
 * segment (ISO/IEC 18004 §7.4.5), error correction level M (15%), as SVG for
 * the printable page. A share too large for one symbol (version 40-M holds
 * 2,331 bytes) gets none: its paper form is the words alone.
 */
import QRCode from 'qrcode';

/** Byte capacity of a version 40 symbol at level M (ISO/IEC 18004 table 7). */
export const QR_MAX_BYTES = 2331;

export async function shareQrSvg(envelope: Uint8Array): Promise<string | undefined> {
  if (envelope.length > QR_MAX_BYTES) return undefined;
  return QRCode.toString([{ data: envelope, mode: 'byte' }], { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

/** The symbol's modules, for tests and for a PDF renderer. */
export function shareQrMatrix(envelope: Uint8Array): { size: number; version: number; modules: Uint8Array } {
  const qr = QRCode.create([{ data: envelope, mode: 'byte' }], { errorCorrectionLevel: 'M' });
  return { size: qr.modules.size, version: qr.version, modules: Uint8Array.from(qr.modules.data) };
}
