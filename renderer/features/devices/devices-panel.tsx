import { useEffect, useId } from 'react';
import type { AirGapSummary, DevicesSnapshot, Medium, UsbDevice } from '../../../shared/contract/devices.ts';
import type { WireError } from '../../../shared/result.ts';
import { useKeyriteStore } from '../../store/store.ts';

/** 1536 → "1.5 KiB": binary units, as file managers on Linux show free space. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'unknown';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit] as string}`;
}

const text = (value: UsbDevice['product']): string => (value.state === 'read' ? value.text : value.state === 'none' ? '—' : 'unreadable');

/** What the device is: the known-hardware name, else its product string. */
const deviceName = (device: UsbDevice): string => device.recognised?.name ?? (device.product.state === 'read' ? device.product.text : 'Unrecognised device');

function AirGapLine({ airGap }: { airGap: AirGapSummary }) {
  if (!airGap.checked) return <p role="alert" className="error" data-testid="air-gap">Air gap not checked: {airGap.reason}</p>;
  const { result, productionDecision } = airGap;
  if (result.verdict === 'online') {
    return (
      <div role="alert" className="error" data-testid="air-gap" data-verdict="online">
        <p>This machine is not air-gapped. A production ceremony would refuse to start:</p>
        <ul>
          {result.findings.map((f) => (
            <li key={`${f.kind}/${f.name}`}>
              <span className="mono">{f.name}</span>: {f.detail}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <p data-testid="air-gap" data-verdict="offline" className={productionDecision.decision === 'pass' ? undefined : 'hint'}>
      {productionDecision.message}
    </p>
  );
}

function UsbTable({ devices }: { devices: readonly UsbDevice[] }) {
  if (devices.length === 0) return <p role="status">No USB device is attached.</p>;
  return (
    <table aria-label="USB devices">
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">Kind</th>
          <th scope="col">ID</th>
          <th scope="col">Serial</th>
          <th scope="col">Port</th>
        </tr>
      </thead>
      <tbody>
        {devices.map((device) => (
          <tr key={`${device.busNumber}:${device.deviceAddress}`} data-testid="usb-row" data-id={device.id}>
            <th scope="row">{deviceName(device)}</th>
            <td>{device.recognised?.kind ?? 'unknown'}</td>
            <td className="mono">{device.id}</td>
            <td className="mono">{text(device.serial)}</td>
            <td className="mono">{device.busPath}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MediaTable({ media }: { media: readonly Medium[] }) {
  if (media.length === 0) return <p role="status">No removable medium is mounted.</p>;
  return (
    <table aria-label="Removable media">
      <thead>
        <tr>
          <th scope="col">Label</th>
          <th scope="col">Mounted at</th>
          <th scope="col">Filesystem</th>
          <th scope="col">Free</th>
          <th scope="col">Writable</th>
        </tr>
      </thead>
      <tbody>
        {media.map((medium) => (
          <tr key={medium.id} data-testid="medium-row" data-mount-point={medium.mountPoint}>
            <th scope="row">{medium.label}</th>
            <td className="mono">{medium.mountPoint}</td>
            <td>{medium.filesystem}</td>
            <td>{formatBytes(medium.freeBytes)}</td>
            <td>{medium.readOnly ? 'no (read-only)' : 'yes'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface DevicesViewProps {
  devices: DevicesSnapshot | null;
  error: WireError | null;
  loading: boolean;
  onRefresh(): void;
}

/** The panel's content from plain props (the pre-flight screen and tests use it as is). */
export function DevicesView({ devices, error, loading, onRefresh }: DevicesViewProps) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-title`} aria-busy={loading} className="panel devices-panel">
      <div className="section-head">
        <h2 id={`${id}-title`}>Devices and media</h2>
        <button type="button" onClick={onRefresh} disabled={loading}>
          Refresh devices
        </button>
      </div>
      {loading && devices === null && <p role="status">Reading devices…</p>}
      {error !== null && (
        <p role="alert" className="error" data-error-code={error.code}>
          {error.message}
        </p>
      )}
      {devices !== null && (
        <>
          <AirGapLine airGap={devices.airGap} />
          <h3>USB devices</h3>
          {devices.usb.available ? <UsbTable devices={devices.usb.devices} /> : <p role="status" data-testid="usb-unavailable">{devices.usb.reason}</p>}
          <h3>Removable media</h3>
          {devices.media.available ? <MediaTable media={devices.media.media} /> : <p role="alert" className="error">{devices.media.reason}</p>}
        </>
      )}
    </section>
  );
}

/**
 * USB devices (or why USB cannot be read), removable media and the
 * air-gap check, kept current by the engine's device events. For Home and
 * the pre-flight screen.
 */
export function DevicesPanel() {
  const devices = useKeyriteStore((s) => s.devices);
  const error = useKeyriteStore((s) => s.devicesError);
  const loading = useKeyriteStore((s) => s.devicesLoading);
  const loadDevices = useKeyriteStore((s) => s.loadDevices);
  const watchDevices = useKeyriteStore((s) => s.watchDevices);

  useEffect(() => watchDevices(), [watchDevices]);

  return <DevicesView devices={devices} error={error} loading={loading} onRefresh={() => void loadDevices()} />;
}
