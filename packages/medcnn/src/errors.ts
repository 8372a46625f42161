/**
 * An error the user can cause and fix: the CLI prints its message without a stack trace, in Japanese when
 * `--lang ja` was given and the error carries a Japanese text.
 */
export class MedcnnError extends Error {
  constructor(
    message: string,
    /** The same message in Japanese (the tutorial's readers are Japanese clinicians). */
    readonly ja?: string,
  ) {
    super(message);
    this.name = 'MedcnnError';
  }

  /** The message in the user's language (English where no Japanese text was given). */
  messageIn(lang: 'en' | 'ja'): string {
    return lang === 'ja' && this.ja ? this.ja : this.message;
  }
}
