// The emulator's notion of "now".
//
// Publishing operations on the real service take minutes to days. Tests cannot wait that long, so
// every time-dependent answer (operation status, step progress, token expiry) is computed from this
// clock instead of Date.now(). The clock runs `timeScale` times faster than real time and can be
// jumped forward with advance(); it starts at the real wall-clock time so that timestamps in
// responses look like real ones.
//
// Nothing in the emulator schedules timers against this clock: state is derived from it lazily on
// every read, which is why advancing it "just works" and why close() never has timers to cancel.

export class EmulatedClock {
  private readonly realStart: number;
  private readonly emulatedStart: number;
  private offsetMs = 0;

  constructor(
    readonly timeScale: number = 1,
    private readonly realNow: () => number = Date.now,
  ) {
    if (!Number.isFinite(timeScale) || timeScale <= 0) {
      throw new RangeError(`timeScale must be a positive number, got ${String(timeScale)}`);
    }
    this.realStart = realNow();
    this.emulatedStart = this.realStart;
  }

  /** Emulated epoch milliseconds. */
  now(): number {
    return this.emulatedStart + (this.realNow() - this.realStart) * this.timeScale + this.offsetMs;
  }

  /** Jump forward. Time never goes backwards: derived state (history, expiry) relies on that. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`advance needs a non-negative number of seconds, got ${String(seconds)}`);
    }
    this.offsetMs += seconds * 1000;
  }

  iso(ms: number = this.now()): string {
    return new Date(ms).toISOString();
  }
}
