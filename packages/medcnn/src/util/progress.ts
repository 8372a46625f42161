/** A one-line progress bar on stderr; on a non-terminal it stays quiet until finish(). */
export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private readonly start = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly width = 28,
  ) {}

  /** Moves the bar to `done` units and shows `extra` (loss, speed, ...) after it. */
  update(done: number, extra = ''): void {
    this.done = done;
    const now = Date.now();
    if (!this.tty || (now - this.lastDraw < 100 && done < this.total)) return;
    this.lastDraw = now;
    process.stderr.write(`\r${this.line(extra)}\x1b[K`);
  }

  /** Ends the bar's line (prints it once on a non-terminal). */
  finish(extra = ''): void {
    if (this.tty) process.stderr.write(`\r${this.line(extra)}\x1b[K\n`);
    else process.stderr.write(`${this.line(extra)}\n`);
  }

  /** Seconds elapsed since the bar was made. */
  elapsed(): number {
    return (Date.now() - this.start) / 1000;
  }

  private line(extra: string): string {
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const filled = Math.round(frac * this.width);
    const bar = '█'.repeat(filled) + '░'.repeat(this.width - filled);
    const elapsed = this.elapsed();
    const eta = frac > 0 && frac < 1 ? ` eta ${formatSeconds((elapsed / frac) * (1 - frac))}` : '';
    return `${this.label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${formatSeconds(elapsed)}${eta} ${extra}`.trimEnd();
  }
}

/** 75 → "1:15", 5.2 → "5.2s". */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}
