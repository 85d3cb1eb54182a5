import sharp from 'sharp';

/**
 * Demo pictures drawn locally (SVG rendered by sharp), so the demo shows faces instead of initials
 * without shipping photos of real people or downloading anything. Deterministic per index.
 */

const BACKGROUNDS = ['#cdebe5', '#f6dcc4', '#d9e4f7', '#eadcf5', '#f7d9e3', '#e2efd0', '#f3e8c8', '#dde3e8'];
const SKIN = ['#f1c7a5', '#e0a57e', '#c68660', '#8d5a3c', '#5c3a24', '#f5d6bd'];
const HAIR = ['#2b1d14', '#5a3a22', '#8a5a2b', '#c99a5b', '#1f1f1f', '#a3492b', '#d8d0c0'];
const SHIRTS = ['#0f766e', '#1d4ed8', '#b45309', '#7e22ce', '#be123c', '#166534', '#334155'];
const COATS = ['#c58b4a', '#3b2a1e', '#e8d3b0', '#8a8a8a', '#a0522d', '#f2efe8', '#d9a066'];

const at = <T>(list: T[], i: number) => list[Math.abs(i) % list.length]!;

/** A head-and-shoulders portrait: 512×512 PNG. */
export async function renderPersonPicture(index: number): Promise<Buffer> {
  const bg = at(BACKGROUNDS, index);
  const skin = at(SKIN, index * 7 + 3);
  const hair = at(HAIR, index * 5 + 1);
  const shirt = at(SHIRTS, index * 3 + 2);
  const style = Math.abs(index) % 3;
  const hairShape =
    style === 0
      ? `<path d="M156 236 Q150 120 256 112 Q362 120 356 236 Q340 170 256 168 Q172 170 156 236Z" fill="${hair}"/>`
      : style === 1
        ? `<path d="M146 300 Q128 118 256 106 Q384 118 366 300 L340 300 Q350 178 256 172 Q162 178 172 300Z" fill="${hair}"/>`
        : `<path d="M162 214 Q170 130 256 126 Q342 130 350 214 Q300 150 256 158 Q212 150 162 214Z" fill="${hair}"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <rect width="512" height="512" fill="${bg}"/>
  <path d="M96 512 Q104 380 256 364 Q408 380 416 512Z" fill="${shirt}"/>
  <rect x="226" y="312" width="60" height="64" rx="20" fill="${skin}"/>
  <ellipse cx="256" cy="236" rx="98" ry="112" fill="${skin}"/>
  ${hairShape}
  <circle cx="220" cy="240" r="9" fill="#2a2a2a"/>
  <circle cx="292" cy="240" r="9" fill="#2a2a2a"/>
  <path d="M222 292 Q256 318 290 292" stroke="#7a3b2e" stroke-width="8" fill="none" stroke-linecap="round"/>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A friendly dog (or cat) face: 512×512 PNG. */
export async function renderPetPicture(index: number, species: 'dog' | 'cat' | string = 'dog'): Promise<Buffer> {
  const bg = at(BACKGROUNDS, index + 3);
  const coat = at(COATS, index);
  const patch = at(COATS, index + 3);
  const ears =
    species === 'cat'
      ? `<path d="M150 200 L170 80 L240 150Z" fill="${coat}"/><path d="M362 200 L342 80 L272 150Z" fill="${coat}"/>`
      : `<ellipse cx="150" cy="230" rx="52" ry="110" fill="${patch}" transform="rotate(18 150 230)"/>
  <ellipse cx="362" cy="230" rx="52" ry="110" fill="${patch}" transform="rotate(-18 362 230)"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <rect width="512" height="512" fill="${bg}"/>
  ${ears}
  <ellipse cx="256" cy="270" rx="130" ry="140" fill="${coat}"/>
  <ellipse cx="300" cy="220" rx="44" ry="50" fill="${patch}" fill-opacity="0.7"/>
  <circle cx="210" cy="236" r="14" fill="#1f1f1f"/>
  <circle cx="302" cy="236" r="14" fill="#1f1f1f"/>
  <circle cx="214" cy="231" r="4" fill="#ffffff"/>
  <circle cx="306" cy="231" r="4" fill="#ffffff"/>
  <ellipse cx="256" cy="322" rx="70" ry="54" fill="#f4eadc"/>
  <ellipse cx="256" cy="300" rx="24" ry="17" fill="#2a1a12"/>
  <path d="M232 336 Q256 356 280 336" stroke="#2a1a12" stroke-width="6" fill="none" stroke-linecap="round"/>
  ${species === 'cat' ? '' : '<path d="M244 352 Q256 392 268 352Z" fill="#e57373"/>'}
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
