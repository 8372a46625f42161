/**
 * A request to stop long work gracefully, set by Ctrl-C (SIGINT) or SIGTERM (what containers send): the work
 * checks `requested` between batches and saves what is done. A second signal quits at once (exit 130, or 143).
 */
export class StopRequest {
  requested = false;
  /** The signal that asked, for the exit code (130 for SIGINT, 143 for SIGTERM). */
  signal: NodeJS.Signals | null = null;
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.requested) process.exit(signal === 'SIGTERM' ? 143 : 130);
    this.requested = true;
    this.signal = signal;
    this.onRequest();
  };

  /** Listens for SIGINT and SIGTERM until `dispose`; `onRequest` says what will happen (e.g. a log line). */
  constructor(private readonly onRequest: () => void = () => {}) {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  /** The conventional exit code of the signal that stopped the work (128 + its number), or 0. */
  get exitCode(): number {
    return this.signal === 'SIGTERM' ? 143 : this.signal ? 130 : 0;
  }

  dispose(): void {
    process.removeListener('SIGINT', this.handler);
    process.removeListener('SIGTERM', this.handler);
  }
}
