/** Stable codes of the simulator's own errors (not the engine faults it serves). */
export type OvirtSimErrorCode =
  | 'dataset-invalid'
  | 'dataset-unreadable'
  | 'options-invalid'
  | 'tls-failed'
  | 'not-found'
  | 'bad-operation';

/** An error of the simulator itself: bad dataset, bad options, failed certificate generation. */
export class OvirtSimError extends Error {
  readonly code: OvirtSimErrorCode;

  constructor(code: OvirtSimErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OvirtSimError';
    this.code = code;
  }
}
