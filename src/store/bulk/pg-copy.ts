// COPY ... FROM STDIN over node-postgres without a stream library: a small "submittable" that the
// pg client runs like any query. When the server answers CopyInResponse it receives the whole
// payload (already in memory: the caller builds one chunk of rows at a time), then CopyDone; the
// server's CommandComplete/ReadyForQuery or ErrorResponse settle the promise.

/** The part of pg's Connection this needs (public methods of pg's connection object). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** Sent to the server in slices of this many bytes. */
const SLICE = 1 << 20;

class CopyIn {
  private settled = false;
  rowCount = 0;
  constructor(
    private readonly sql: string,
    private readonly data: Buffer,
    private readonly resolve: (n: number) => void,
    private readonly reject: (e: unknown) => void,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.sql);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (let i = 0; i < this.data.length; i += SLICE) connection.sendCopyFromChunk(this.data.subarray(i, i + SLICE));
    connection.endCopyFrom();
  }

  handleCommandComplete(msg: { text?: string }): void {
    const m = /(\d+)\s*$/.exec(msg.text ?? '');
    if (m) this.rowCount = Number(m[1]);
  }

  handleError(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }

  handleReadyForQuery(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.rowCount);
  }

  // A COPY FROM never returns rows; these exist because the client calls them on any query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}

/** Run `sql` (a `COPY … FROM STDIN` in text format) on one pg client with `data` (text, or its UTF-8 bytes); resolves with the rows copied. */
export function pgCopyIn(client: { query(q: unknown): unknown }, sql: string, data: string | Uint8Array): Promise<number> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return new Promise<number>((resolve, reject) => {
    client.query(new CopyIn(sql, bytes, resolve, reject));
  });
}
