// gzip reading: `zlib.createGunzip()` does read every member of a multi-member file, so this only turns its errors
// into ARCHIVE_CORRUPT with the compressed offset, and refuses an empty input.

import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { corrupt, zlibMessage } from './errors.ts';
import { MiB, ZLIB_CHUNK } from './options.ts';

export class GzipDecompressor extends Transform {
  private readonly gunzip = zlib.createGunzip({ chunkSize: ZLIB_CHUNK });
  private received = 0;
  private flushCallback: TransformCallback | null = null;

  constructor() {
    super({ readableHighWaterMark: 4 * MiB });
    const gunzip = this.gunzip;
    gunzip.on('data', (out: Buffer) => {
      if (!this.push(out)) gunzip.pause();
    });
    gunzip.on('error', (err) => {
      const offset = gunzip.bytesWritten;
      this.destroy(
        corrupt(`gzip data is corrupt near compressed byte offset ${offset}: ${zlibMessage(err)}`, offset, err),
      );
    });
    gunzip.on('end', () => {
      const callback = this.flushCallback;
      this.flushCallback = null;
      callback?.();
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.gunzip.write(chunk)) callback();
    else this.gunzip.once('drain', () => callback());
  }

  override _flush(callback: TransformCallback): void {
    if (this.received === 0) {
      callback(corrupt('gzip data is empty: no member at compressed byte offset 0 (truncated file?)', 0));
      return;
    }
    this.flushCallback = callback;
    this.gunzip.end();
  }

  override _read(size: number): void {
    super._read(size);
    if (this.gunzip.isPaused()) this.gunzip.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.gunzip.destroy();
    callback(err);
  }
}
