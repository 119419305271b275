/**
 * Ceremony hardware recognised by USB vendor and product id. Every row names
 * where its id comes from; docs/devices.md repeats the table with links.
 * An id that could not be checked against a published source is not here
 * (Thales Luna USB HSM: see docs/devices.md).
 */
import type { HardwareKind, Recognition } from './schemas.ts';

interface KnownRow {
  vendorId: number;
  /** null: every product of this vendor (a fallback, used after exact rows). */
  productId: number | null;
  kind: HardwareKind;
  name: string;
  source: string;
}

const YUBICO_IDS = 'Yubico, "YubiKey USB ID Values" (support.yubico.com, article 360016614920)';
const YUBIHSM_CONNECTOR = 'Yubico, yubihsm-connector udev rule (developers.yubico.com/YubiHSM2/Component_Reference/yubihsm-connector)';
const NITROKEY_RULES = 'Nitrokey libnitrokey data/41-nitrokey.rules (github.com/Nitrokey/libnitrokey)';
const CCID_LIST = 'CCID driver readers/supported_readers.txt (ccid.apdu.fr, github.com/LudovicRousseau/CCID)';

const row = (vendorId: number, productId: number | null, kind: HardwareKind, name: string, source: string): KnownRow => ({
  vendorId,
  productId,
  kind,
  name,
  source,
});

export const KNOWN_HARDWARE: readonly KnownRow[] = [
  // HSMs
  row(0x1050, 0x0030, 'hsm', 'YubiHSM 2', YUBIHSM_CONNECTOR),
  row(0x20a0, 0x4230, 'hsm', 'Nitrokey HSM (SmartCard-HSM)', `${NITROKEY_RULES}; ${CCID_LIST}`),
  // YubiKeys (security keys with PIV / OpenPGP applets)
  row(0x1050, 0x0010, 'security-key', 'YubiKey (OTP only, first generations)', YUBICO_IDS),
  row(0x1050, 0x0111, 'security-key', 'YubiKey NEO (OTP+CCID)', `${YUBICO_IDS}; ${CCID_LIST}`),
  row(0x1050, 0x0112, 'security-key', 'YubiKey NEO (CCID)', `${YUBICO_IDS}; ${CCID_LIST}`),
  row(0x1050, 0x0113, 'security-key', 'YubiKey NEO (U2F)', YUBICO_IDS),
  row(0x1050, 0x0114, 'security-key', 'YubiKey NEO (OTP+U2F)', YUBICO_IDS),
  row(0x1050, 0x0115, 'security-key', 'YubiKey NEO (U2F+CCID)', `${YUBICO_IDS}; ${CCID_LIST}`),
  row(0x1050, 0x0116, 'security-key', 'YubiKey NEO (OTP+U2F+CCID)', `${YUBICO_IDS}; ${CCID_LIST}`),
  row(0x1050, 0x0120, 'security-key', 'Security Key by Yubico (FIDO)', YUBICO_IDS),
  row(0x1050, 0x0401, 'security-key', 'YubiKey 4/5 (OTP)', YUBICO_IDS),
  row(0x1050, 0x0402, 'security-key', 'YubiKey 4/5 (FIDO)', YUBICO_IDS),
  row(0x1050, 0x0403, 'security-key', 'YubiKey 4/5 (OTP+FIDO)', YUBICO_IDS),
  row(0x1050, 0x0404, 'security-key', 'YubiKey 4/5 (CCID)', `${YUBICO_IDS}; ${CCID_LIST}`),
  row(0x1050, 0x0405, 'security-key', 'YubiKey 4/5 (OTP+CCID)', `${YUBICO_IDS}; ${CCID_LIST}`),
  row(0x1050, 0x0406, 'security-key', 'YubiKey 4/5 (FIDO+CCID)', `${YUBICO_IDS}; ${CCID_LIST}`),
  row(0x1050, 0x0407, 'security-key', 'YubiKey 4/5 (OTP+FIDO+CCID)', `${YUBICO_IDS}; ${CCID_LIST}`),
  row(0x1050, null, 'security-key', 'Yubico device (model not in the table)', YUBICO_IDS),
  // Nitrokeys other than the HSM
  row(0x20a0, 0x4108, 'security-key', 'Nitrokey Pro', NITROKEY_RULES),
  row(0x20a0, 0x4109, 'security-key', 'Nitrokey Storage', NITROKEY_RULES),
  row(0x20a0, 0x4211, 'security-key', 'Nitrokey Start', NITROKEY_RULES),
  row(0x20a0, 0x42b1, 'security-key', 'Nitrokey FIDO2', NITROKEY_RULES),
  row(0x20a0, 0x42b2, 'security-key', 'Nitrokey 3', NITROKEY_RULES),
  // Thales (SafeNet, formerly Aladdin) tokens
  row(0x0529, 0x0620, 'token', 'SafeNet eToken 5100/5110', CCID_LIST),
  row(0x0529, 0x0602, 'token', 'SafeNet eToken 7300', CCID_LIST),
  // Smart-card readers (CCID) common at ceremonies
  row(0x076b, 0x3021, 'smart-card-reader', 'HID OMNIKEY 3121', CCID_LIST),
  row(0x076b, 0x3022, 'smart-card-reader', 'HID OMNIKEY 3121 USB', CCID_LIST),
  row(0x076b, 0x5421, 'smart-card-reader', 'HID OMNIKEY 5421', CCID_LIST),
  row(0x08e6, 0x3437, 'smart-card-reader', 'Gemalto IDBridge CT30 (PC Twin)', CCID_LIST),
  row(0x08e6, 0x3438, 'smart-card-reader', 'Gemalto IDBridge K30 (USB Shell Token V2)', CCID_LIST),
  row(0x04e6, 0x5116, 'smart-card-reader', 'Identiv (SCM) SCR 3310', CCID_LIST),
  row(0x04e6, 0xe001, 'smart-card-reader', 'Identiv (SCM) SCR 331', CCID_LIST),
  row(0x04e6, 0x5790, 'smart-card-reader', 'Identiv uTrust 3700 F', CCID_LIST),
  row(0x046a, 0x003e, 'smart-card-reader', 'Cherry SmartTerminal ST-2xxx', CCID_LIST),
  row(0x072f, 0x90cc, 'smart-card-reader', 'ACS ACR38U-CCID', CCID_LIST),
  row(0x072f, 0xb100, 'smart-card-reader', 'ACS ACR39U', CCID_LIST),
];

/** USB-IF class codes (usb.org "Defined Class Codes"). */
export const USB_CLASS_MASS_STORAGE = 0x08;
export const USB_CLASS_SMART_CARD = 0x0b;

const USB_IF_CLASSES = 'USB-IF "Defined Class Codes" (usb.org/defined-class-codes)';

/**
 * What a device is, if we know: an exact table row first, then the vendor
 * row, then the interface class (any CCID reader, any USB stick).
 */
export function recogniseUsbDevice(vendorId: number, productId: number, interfaceClasses: readonly number[]): Recognition | null {
  const exact = KNOWN_HARDWARE.find((r) => r.vendorId === vendorId && r.productId === productId);
  if (exact !== undefined) return { kind: exact.kind, name: exact.name, matchedBy: 'id', source: exact.source };
  const vendor = KNOWN_HARDWARE.find((r) => r.vendorId === vendorId && r.productId === null);
  if (vendor !== undefined) return { kind: vendor.kind, name: vendor.name, matchedBy: 'vendor', source: vendor.source };
  if (interfaceClasses.includes(USB_CLASS_SMART_CARD)) {
    return { kind: 'smart-card-reader', name: 'Smart-card reader (CCID class)', matchedBy: 'class', source: USB_IF_CLASSES };
  }
  if (interfaceClasses.includes(USB_CLASS_MASS_STORAGE)) {
    return { kind: 'mass-storage', name: 'USB mass storage', matchedBy: 'class', source: USB_IF_CLASSES };
  }
  return null;
}

/** `vvvv:pppp` in lower-case hex, as lsusb prints it. */
export function usbId(vendorId: number, productId: number): string {
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  return `${hex(vendorId)}:${hex(productId)}`;
}
