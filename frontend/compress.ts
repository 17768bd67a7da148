// `.br` and `.gz` siblings of every text file a build wrote, at the highest levels: the sidecar
// sends them as they are, and so does Home Assistant's static file server (aiohttp's
// FileResponse), each chosen by the browser's Accept-Encoding.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = /\.(js|css|html|svg|webmanifest|json)$/;

export const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

export function writeCompressedSiblings(dir: string): void {
  for (const file of walk(dir).filter((path) => COMPRESSIBLE.test(path))) {
    const body = readFileSync(file);
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
    );
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  }
}
