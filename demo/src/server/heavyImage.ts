import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';

/**
 * The slow route's hero picture: an uncompressed 24-bit BMP (about 4 MB, where a real site would
 * send 100 KB of AVIF), generated once, then trickled out so it arrives over a few seconds as
 * from an overloaded CDN. It is what makes that route's LCP poor.
 */
export function heavyImage(width = 1400, height = 900): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const pixelBytes = rowBytes * height;
  const image = Buffer.alloc(54 + pixelBytes);
  image.write('BM', 0, 'ascii');
  image.writeUInt32LE(image.length, 2);
  image.writeUInt32LE(54, 10);
  image.writeUInt32LE(40, 14);
  image.writeInt32LE(width, 18);
  image.writeInt32LE(height, 22);
  image.writeUInt16LE(1, 26);
  image.writeUInt16LE(24, 28);
  image.writeUInt32LE(pixelBytes, 34);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // A warm sunset gradient with soft hills: something that reads as a product photo.
      const hill = y < height * (0.35 + 0.08 * Math.sin(x / 90));
      const offset = 54 + y * rowBytes + x * 3;
      image[offset] = hill ? 60 + (y % 40) : 120 + (y * 100) / height; // blue
      image[offset + 1] = hill ? 90 + (x % 50) : 110 + (y * 60) / height; // green
      image[offset + 2] = hill ? 70 : 230 - (y * 40) / height; // red
    }
  }
  return image;
}

/** Sends `image` in chunks spread over `durationMs`. */
export function trickle(reply: FastifyReply, image: Buffer, durationMs: number) {
  const chunks = 40;
  const size = Math.ceil(image.length / chunks);
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= image.length) {
        this.push(null);
        return;
      }
      const chunk = image.subarray(sent, sent + size);
      sent += chunk.length;
      setTimeout(() => this.push(chunk), durationMs / chunks);
    },
  });
  return reply
    .type('image/bmp')
    .header('content-length', image.length)
    .header('cache-control', 'no-store')
    .send(stream);
}
