/**
 * The outbound address rules (activities/outbound-address.ts) over IPv4 and IPv6 in every form a URL or a
 * resolver can write them: fixed tricky cases, then properties over random addresses — every spelling of an
 * address is judged as the address itself, and every address inside a non-public block is refused.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { checkUrlShape, classifyAddress, refuseAddresses, type AddressKind } from '../../activities/outbound-address.js';
import { resolveOutboundTarget } from '../../activities/outbound-target.js';
import { ConfigError, loadConfig } from '../../config/config.js';

const PRODUCTION = { allowPrivateNetworks: false };
const DEVELOPMENT = { allowPrivateNetworks: true };

describe('classifyAddress', () => {
  it.each<[string, AddressKind | undefined]>([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.1', 'public'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['93.184.215.14', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:0808:0808::1', 'public'],
    ['::127.0.0.1', 'reserved'],
    ['fd00:ec2::254', 'metadata'],
    ['fd12:3456::1', 'private'],
    ['fc00::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:82b::200e', 'public'],
    ['example.com', undefined],
    ['0x7f.1', undefined], // not a resolver's answer: URLs reach the rules canonicalized (below)
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

describe('checkUrlShape', () => {
  const refused = (url: string, policy = PRODUCTION) => {
    const check = checkUrlShape(url, policy);
    return check.ok ? undefined : check.reason;
  };

  it('reads every spelling of an IPv4 literal as the address it names', () => {
    for (const host of ['0x7f.1', '2130706433', '017700000001', '127.1', '0x7f000001', '127.0.0.1.', '0177.0.0.1']) {
      expect({ host, reason: refused(`https://${host}/notify`) }).toEqual({ host, reason: expect.stringMatching(/loopback/) });
    }
    expect(refused('https://[::ffff:127.0.0.1]/')).toMatch(/loopback/);
    expect(refused('https://[::1]:8443/')).toMatch(/loopback/);
    expect(refused('https://[0:0:0:0:0:0:0:1]/')).toMatch(/loopback/);
    expect(refused('https://0/')).toMatch(/unspecified/);
  });

  it('accepts https to a public host on any port, and a host name for resolving', () => {
    expect(checkUrlShape('https://8.8.8.8:8443/hook?t=1', PRODUCTION)).toMatchObject({ ok: true, literal: '8.8.8.8' });
    expect(checkUrlShape('https://[2606:4700:4700::1111]/hook', PRODUCTION)).toMatchObject({ ok: true, literal: '2606:4700:4700::1111' });
    expect(checkUrlShape('https://shop.example/hook', PRODUCTION)).toMatchObject({ ok: true, hostname: 'shop.example', literal: undefined });
  });

  it('refuses plain http, other schemes and credentials', () => {
    expect(refused('http://shop.example/hook')).toMatch(/https/);
    expect(refused('http://8.8.8.8/hook')).toMatch(/https/);
    expect(refused('ftp://shop.example/hook', DEVELOPMENT)).toMatch(/https/);
    expect(refused('https://user:pw@shop.example/hook')).toMatch(/credentials/);
    expect(refused('https://user@shop.example/hook')).toMatch(/credentials/);
    expect(refused('https://:pw@shop.example/hook', DEVELOPMENT)).toMatch(/credentials/);
    expect(refused('not a url')).toMatch(/absolute URL/);
  });

  it('lets development send to private receivers, over http too, but never to metadata or to public http', () => {
    expect(refused('http://127.0.0.1:4000/notify', DEVELOPMENT)).toBeUndefined();
    expect(refused('https://10.0.0.7/notify', DEVELOPMENT)).toBeUndefined();
    expect(refused('http://[fd12::1]/notify', DEVELOPMENT)).toBeUndefined();
    expect(refused('http://8.8.8.8/notify', DEVELOPMENT)).toMatch(/plain http/);
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'https://[fd00:ec2::254]/', 'http://[::ffff:a9fe:a9fe]/', 'http://metadata.google.internal/', 'https://METADATA.GOOGLE.INTERNAL./', 'http://0.0.0.0:80/']) {
      expect({ url, reason: refused(url, DEVELOPMENT) }).toEqual({ url, reason: expect.stringMatching(/never sent to/) });
    }
  });
});

describe('properties', () => {
  const uint32 = fc.integer({ min: 0, max: 0xffffffff });
  const dotted = (v: number) => [24, 16, 8, 0].map((s) => (v >>> s) & 0xff).join('.');
  const hexGroups = (v: number) => `${(v >>> 16).toString(16)}:${(v & 0xffff).toString(16)}`;
  /** Spellings the WHATWG URL parser accepts for an IPv4 host. */
  const ipv4Spellings = (v: number) => [
    dotted(v),
    String(v),
    `0x${v.toString(16)}`,
    `0${v.toString(8)}`,
    `${v >>> 24}.${v & 0xffffff}`,
    `${v >>> 24}.${(v >>> 16) & 0xff}.${v & 0xffff}`,
    [24, 16, 8, 0].map((s) => `0x${((v >>> s) & 0xff).toString(16)}`).join('.'),
  ];

  it('judges every spelling of an IPv4 address, in a URL or inside IPv6, as the address itself', () => {
    fc.assert(
      fc.property(uint32, (v) => {
        const kind = classifyAddress(dotted(v));
        expect(kind).toBeDefined();
        for (const inside of [`::ffff:${dotted(v)}`, `::ffff:${hexGroups(v)}`, `64:ff9b::${hexGroups(v)}`, `2002:${hexGroups(v)}::1`]) {
          expect(classifyAddress(inside)).toBe(kind);
        }
        for (const host of [...ipv4Spellings(v), `[::ffff:${dotted(v)}]`]) {
          const check = checkUrlShape(`https://${host}/n`, PRODUCTION);
          expect({ host, ok: check.ok }).toEqual({ host, ok: kind === 'public' });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never calls an address in a non-public IPv4 block public, and refuses it in production', () => {
    const blocks: [string, number][] = [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['224.0.0.0', 4], ['240.0.0.0', 4]];
    const inBlock = fc.tuple(fc.constantFrom(...blocks), uint32).map(([[base, bits], r]) => {
      const b = base.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
      return dotted((b + (r % 2 ** (32 - bits))) >>> 0);
    });
    fc.assert(
      fc.property(inBlock, (address) => {
        expect(classifyAddress(address)).not.toBe('public');
        expect(refuseAddresses([address], PRODUCTION, 'https:')).toBeDefined();
        expect(refuseAddresses([`::ffff:${address}`], PRODUCTION, 'https:')).toBeDefined();
      }),
    );
  });

  it('reads an IPv6 address the same however it is written, and only global unicast is public', () => {
    const groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(groups, (g) => {
        const full = g.map((x) => x.toString(16).padStart(4, '0')).join(':');
        const compressed = new URL(`http://[${full}]/`).hostname;
        const kind = classifyAddress(full);
        expect(classifyAddress(compressed)).toBe(kind);
        expect(classifyAddress(full.toUpperCase())).toBe(kind);
        if (kind === 'public') expect(g[0] >> 13).toBe(1); // 2000::/3
        if ((g[0] & 0xfe00) === 0xfc00 && kind !== 'metadata') expect(kind).toBe('private');
        if ((g[0] & 0xffc0) === 0xfe80) expect(kind).toBe('link-local');
        if (g[0] >> 8 === 0xff) expect(kind).toBe('multicast');
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a host when any one of its answers is refused', () => {
    const publicV4 = fc.constantFrom('8.8.8.8', '93.184.215.14', '1.1.1.1');
    const privateOne = fc.constantFrom('10.0.0.1', '::1', 'fd00::5', '169.254.169.254', '::ffff:192.168.0.1');
    fc.assert(
      fc.property(fc.array(publicV4, { maxLength: 4 }), privateOne, fc.nat(), (publics, bad, at) => {
        const answers: string[] = [...publics];
        answers.splice(at % (publics.length + 1), 0, bad);
        expect(refuseAddresses(answers, PRODUCTION, 'https:')).toBeDefined();
        expect(refuseAddresses(publics.length ? publics : ['8.8.8.8'], PRODUCTION, 'https:')).toBeUndefined();
      }),
    );
  });
});

describe('resolveOutboundTarget', () => {
  it('checks every answer and hands back the checked address to connect to', async () => {
    const answers: Record<string, string[]> = { 'shop.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'], 'mixed.example': ['93.184.215.14', '10.0.0.8'] };
    const resolve = async (host: string) => answers[host] ?? [];
    await expect(resolveOutboundTarget('https://shop.example/n?token=1', PRODUCTION, { resolve })).resolves.toMatchObject({ ok: true, address: '93.184.215.14', family: 4 });
    await expect(resolveOutboundTarget('https://mixed.example/n', PRODUCTION, { resolve })).resolves.toEqual({
      ok: false,
      problem: 'refused',
      reason: expect.stringMatching(/mixed\.example .*private address \(10\.0\.0\.8\)/),
    });
    await expect(resolveOutboundTarget('https://empty.example/n', PRODUCTION, { resolve })).resolves.toMatchObject({ ok: false, problem: 'refused' });
  });

  it('does not resolve an IP literal', async () => {
    const resolve = async () => {
      throw new Error('must not be called');
    };
    await expect(resolveOutboundTarget('https://[2606:4700:4700::1111]/n', PRODUCTION, { resolve })).resolves.toMatchObject({ ok: true, address: '2606:4700:4700::1111', family: 6 });
  });

  it('answers "unresolved" for a name without an answer, and stops waiting at the bound', async () => {
    const notFound = await resolveOutboundTarget('https://nothing.invalid/n', PRODUCTION);
    expect(notFound).toEqual({ ok: false, problem: 'unresolved', reason: 'host nothing.invalid could not be resolved: no such host' });
    const started = Date.now();
    const hanging = await resolveOutboundTarget('https://slow.example/n', PRODUCTION, { resolve: () => new Promise<string[]>(() => undefined), timeoutMs: 100 });
    expect(hanging).toEqual({ ok: false, problem: 'unresolved', reason: expect.stringMatching(/no answer within 100 ms/) });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('resolves localhost with the system resolver, and refuses it in production', async () => {
    await expect(resolveOutboundTarget('https://localhost:8443/n', PRODUCTION)).resolves.toMatchObject({ ok: false, problem: 'refused', reason: expect.stringMatching(/loopback/) });
    await expect(resolveOutboundTarget('http://localhost:8443/n', DEVELOPMENT)).resolves.toMatchObject({ ok: true });
  });
});

describe('configuration', () => {
  it('refuses a NOTIFY_URL the rules refuse, at start-up', () => {
    const load = (env: Record<string, string>) => () => loadConfig(env);
    expect(load({ NOTIFY_URL: 'http://127.0.0.1:4000/notify' })).toThrow(ConfigError);
    expect(load({ NOTIFY_URL: 'https://user:pw@shop.example/notify' })).toThrow(/NOTIFY_URL: must not carry credentials/);
    expect(load({ NOTIFY_URL: 'http://169.254.169.254/', NOTIFY_ALLOW_PRIVATE_NETWORKS: 'true' })).toThrow(/NOTIFY_URL: is a metadata address/);
    expect(loadConfig({ NOTIFY_URL: 'http://127.0.0.1:4000/notify', NOTIFY_ALLOW_PRIVATE_NETWORKS: 'true' }).payments.notifyAllowPrivateNetworks).toBe(true);
    expect(loadConfig({ NOTIFY_URL: 'https://shop.example/notify' }).payments.notifyAllowPrivateNetworks).toBe(false);
  });
});
