import { describe, expect, it } from 'vitest';
import { embeddedIPv4, isLocalHostname, isPrivateAddress, publicOnlyLookup } from './network.js';

describe('private network addresses', () => {
  it.each([
    '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd12:3456::1', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1',
    // IPv6 forms carrying a private IPv4 address, judged as it.
    '::7f00:1', '::127.0.0.1', '::a00:1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:0:7f00:1', '::ffff:0:127.0.0.1',
    '64:ff9b::7f00:1', '64:ff9b::127.0.0.1', '64:ff9b::c0a8:101', '64:ff9b:1::7f00:1', '64:ff9b:1::a9fe:a9fe',
    // Local-use NAT64 outside its /96 form: where the IPv4 address sits cannot be known.
    '64:ff9b:1:1::1', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff',
    'fe80::1%eth0',
  ])('%s is private', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '::808:808', '64:ff9b::808:808', '64:ff9b:1::808:808', '2001:4860:4860::8888'])(
    '%s is public',
    (ip) => {
      expect(isPrivateAddress(ip)).toBe(false);
    },
  );

  it('treats localhost names as this machine, and names that are not IPs as unknown', () => {
    expect(isLocalHostname('localhost')).toBe(true);
    expect(isLocalHostname('LOCALHOST.')).toBe(true);
    expect(isLocalHostname('api.localhost')).toBe(true);
    expect(isLocalHostname('localhost.example.com')).toBe(false);
    expect(isPrivateAddress('example.com')).toBe(false);
  });

  it.each([
    ['::7f00:1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['::ffff:0:a00:1', '10.0.0.1'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254'],
    ['64:ff9b:1::808:808', '8.8.8.8'],
    ['2606:4700:4700::1111', undefined],
    ['1:2:3:4:5:6:1.2.3.4', undefined],
  ])('finds in %s the IPv4 address %s', (ip, v4) => {
    expect(embeddedIPv4(ip)).toBe(v4);
  });

  it.each(['::7f00:1', '::ffff:7f00:1', '64:ff9b::7f00:1', '64:ff9b:1::a00:1'])('refuses, at lookup, an address that resolves to %s', async (address) => {
    // dns.lookup answers an IP literal with itself: the same path as a name resolving to it.
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => publicOnlyLookup(address, {}, (e) => resolve(e)));
    expect(err).toMatchObject({ code: 'EPRIVATEADDRESS' });
  });

  it('refuses, at lookup, a name that resolves to a private address', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => publicOnlyLookup('localhost', {}, (e) => resolve(e)));
    expect(err).toMatchObject({ code: 'EPRIVATEADDRESS' });
    expect(err!.message).toMatch(/private network address/);
  });
});
