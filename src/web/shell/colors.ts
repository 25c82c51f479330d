/**
 * Text colour readable on a tenant's accent: white or near-black, whichever has the higher WCAG
 * contrast against it (the tenant picks any colour; the pages must stay legible and pass axe).
 */
function channel(hex: string): number {
  const c = parseInt(hex, 16) / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function expand(color: string): string {
  const h = color.replace('#', '');
  return h.length === 3 ? h.split('').map((c) => c + c).join('') : h;
}

export function luminance(color: string): number {
  const h = expand(color);
  return 0.2126 * channel(h.slice(0, 2)) + 0.7152 * channel(h.slice(2, 4)) + 0.0722 * channel(h.slice(4, 6));
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

export function inkOn(background: string): string {
  return contrast(background, '#ffffff') >= contrast(background, '#111111') ? '#ffffff' : '#111111';
}
