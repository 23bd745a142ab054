import { describe, expect, it } from 'vitest';
import {
  nonPublicAddress,
  parseAllowedHosts,
  PUBLIC_ONLY,
  refusedDestination,
  type OutboundPolicy,
} from '../../src/domain/outboundAddress';

/** The rule channel addresses are held to, when saved and when sent. */

describe('which addresses are public', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', '"this network"'],
    ['10.20.30.40', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['169.254.169.254', 'link-local'],
    ['192.0.0.8', 'IETF'],
    ['192.0.2.10', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['203.0.113.5', 'documentation'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a00:1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::127.0.0.1', 'reserved'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['ff02::1', 'multicast'],
    ['64:ff9b::a00:1', 'NAT64'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'IETF'],
    ['2002:7f00:1::1', '6to4'],
    ['100::1', 'reserved'],
  ])('%s is not public (%s)', (ip, kind) => {
    expect(nonPublicAddress(ip)).toContain(kind);
  });

  it.each(['8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '223.5.5.5'])(
    '%s is public',
    (ip) => expect(nonPublicAddress(ip)).toBeUndefined(),
  );

  it.each(['2400:3200::1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (ip) =>
    expect(nonPublicAddress(ip)).toBeUndefined(),
  );
});

describe('a channel URL', () => {
  const policy: OutboundPolicy = {
    allowedHosts: [{ host: 'robot-gateway.intranet' }, { host: '10.1.2.3', port: 8443 }, { host: 'fd00::1' }],
    enginePorts: [3000, 8233],
  };

  it('to a public host passes; to the local network, in any spelling, does not', () => {
    expect(refusedDestination('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', PUBLIC_ONLY)).toBeUndefined();
    expect(refusedDestination('https://hooks.example.org:8443/x', PUBLIC_ONLY)).toBeUndefined();
    for (const address of [
      'http://127.0.0.1/',
      'http://127.1:8080/',
      'http://2130706433/',
      'http://0177.0.0.1/',
      'http://0x7f000001/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[0:0:0:0:0:ffff:7f00:1]/',
      'http://localhost/',
      'http://LOCALHOST./',
      'http://api.localhost/',
      'http://10.0.0.1/',
      'http://[fd00::1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0:8233/',
    ])
      expect(refusedDestination(address, PUBLIC_ONLY), address).toMatch(/^the host (is a|names this machine)/);
  });

  it('names the reason without the host, and the way out', () => {
    expect(refusedDestination('http://10.9.8.7/x', PUBLIC_ONLY)).toBe(
      'the host is a private address; an operator can allow an intranet host in CHANNEL_ALLOWED_HOSTS',
    );
    expect(refusedDestination('ftp://hooks.example.org/', PUBLIC_ONLY)).toBe('not an http(s) URL');
    expect(refusedDestination('not a url', PUBLIC_ONLY)).toBe('not a URL');
  });

  it('to an allowed host passes, on any port but the engine’s own, or on the one port its entry names', () => {
    expect(refusedDestination('http://robot-gateway.intranet/send', policy)).toBeUndefined();
    expect(refusedDestination('http://Robot-Gateway.Intranet.:9000/send', policy)).toBeUndefined();
    expect(refusedDestination('https://10.1.2.3:8443/robot/send', policy)).toBeUndefined();
    expect(refusedDestination('http://[fd00::1]:8080/', policy)).toBeUndefined();
    expect(refusedDestination('https://10.1.2.3/robot/send', policy)).toMatch(/private address/);
    expect(refusedDestination('http://robot-gateway.intranet:3000/', policy)).toMatch(
      "port 3000 is one of this engine's own ports",
    );
    // Engine ports are refused on any host not allowed with them.
    expect(refusedDestination('https://hooks.example.org:8233/', policy)).toMatch(/own ports/);
    expect(
      refusedDestination('http://127.0.0.1:8233/', {
        allowedHosts: [{ host: '127.0.0.1', port: 8233 }],
        enginePorts: [8233],
      }),
    ).toBeUndefined();
  });
});

describe('CHANNEL_ALLOWED_HOSTS', () => {
  it('reads host[:port] entries as URL hosts are read', () => {
    expect(parseAllowedHosts('')).toEqual({ hosts: [] });
    expect(parseAllowedHosts(' Gateway.Intranet , 10.1.2.3:8443,[FD00:0::1]:9000, 127.1, 钉钉.内网')).toEqual({
      hosts: [
        { host: 'gateway.intranet', port: undefined },
        { host: '10.1.2.3', port: 8443 },
        { host: 'fd00::1', port: 9000 },
        { host: '127.0.0.1', port: undefined },
        { host: 'xn--164aa.xn--v6q792i', port: undefined },
      ],
    });
  });

  it.each(['http://gateway', 'gateway/path', 'user@gateway', 'gateway:0', 'gateway:65536', 'gate way', '[::1', '[x]'])(
    'refuses %s',
    (entry) => expect(parseAllowedHosts(`ok.intranet,${entry}`)).toEqual({ problem: expect.stringContaining(entry) }),
  );
});
