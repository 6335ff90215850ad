// The one error type of the review module: a decision or filter the reviewer got wrong in its input.
/** A review decision the maintainer got wrong in its input (unknown label, code, filter…). */
export class ReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewError';
  }
}
