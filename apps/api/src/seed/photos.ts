import crypto from 'node:crypto';
import sharp from 'sharp';

export type RenderedPhoto = { full: Buffer; thumbnail: Buffer; width: number; height: number; sha256: string };

const PALETTE = ['#2f855a', '#2b6cb0', '#c05621', '#6b46c1', '#b83280', '#2c7a7b', '#975a16', '#4a5568'];
const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function initialsOf(name: string): string {
  const words = name.split(/[\s&'-]+/).filter((w) => /^\p{L}/u.test(w));
  return (
    words
      .slice(0, 2)
      .map((w) => w[0]!.toUpperCase())
      .join('') || 'WD'
  ).slice(0, 2);
}

/** A cover picture made locally: the business's initials on a coloured background, as JPEG. */
export async function renderBusinessPhoto(name: string, colourIndex: number): Promise<RenderedPhoto> {
  const width = 960;
  const height = 540;
  const colour = PALETTE[Math.abs(colourIndex) % PALETTE.length]!;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect width="100%" height="100%" fill="${colour}"/>
  <circle cx="${width - 120}" cy="100" r="180" fill="#ffffff" fill-opacity="0.08"/>
  <circle cx="120" cy="${height - 60}" r="140" fill="#000000" fill-opacity="0.08"/>
  <text x="50%" y="47%" font-family="DejaVu Sans, sans-serif" font-size="200" font-weight="bold" fill="#ffffff" text-anchor="middle" dominant-baseline="middle">${escapeXml(initialsOf(name))}</text>
  <text x="50%" y="82%" font-family="DejaVu Sans, sans-serif" font-size="40" fill="#ffffff" fill-opacity="0.85" text-anchor="middle">${escapeXml(name.slice(0, 40))}</text>
</svg>`;
  const image = sharp(Buffer.from(svg));
  const full = await image.clone().jpeg({ quality: 80, mozjpeg: true }).toBuffer();
  const thumbnail = await image.clone().resize({ width: 320 }).jpeg({ quality: 75 }).toBuffer();
  return { full, thumbnail, width, height, sha256: crypto.createHash('sha256').update(full).digest('hex') };
}
