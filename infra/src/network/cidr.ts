/** The index-th subnet of `cidr`, four bits longer: a /16 yields sixteen /20s. */
export function subnetCidr(cidr: string, index: number): string {
  const [address, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const newBits = bits + 4;
  if (!address || !Number.isInteger(bits) || index < 0 || index >= 16) {
    throw new Error(`cannot carve subnet ${index} of ${cidr}`);
  }
  const base = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - newBits);
  const start = (base - (base % 2 ** (32 - bits))) + index * size;
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${octets.join('.')}/${newBits}`;
}

/** Subnet roles take fixed blocks, so adding an AZ never renumbers an existing subnet. */
export const SUBNET_BLOCK = { public: 0, workload: 4, data: 8 } as const;
