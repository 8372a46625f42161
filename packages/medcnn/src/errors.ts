/** An error the user can cause and fix: the CLI prints its message without a stack trace. */
export class MedcnnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MedcnnError';
  }
}
