import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChannelError,
  dingtalkSignedUrl,
  sendOnChannel,
  verifyWebhookSignature,
  webhookSignature,
  type ChannelAddress,
  type OutgoingMessage,
} from '../../src/activities/channels';
import type { OutboundPolicy } from '../../src/domain/outboundAddress';
import {
  LOOPBACK_ALLOWED,
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from '../support/receivers';

/** Each channel against a real server on loopback: what arrived, byte for byte, and how failures are classified. */

const NOW_MS = 1_775_000_000_123;
const NOW_SECONDS = Math.floor(NOW_MS / 1000);
const FROM = 'Followup <followup@example.org>';

const message: OutgoingMessage = {
  deliveryKey: 'rec-42:reply:2026-04-01:due:0:zhang@example.org',
  title: '检察建议到期提醒',
  text: '某区人民检察院：\n检察建议书（某检行公建〔2026〕1号）的回复期限为2026年4月1日。\n请及时跟进。',
  data: { recommendationId: 'rec-42', deadlineKind: 'reply', dueDate: '2026-04-01' },
};

/** Runs `send` and returns the ChannelError it must throw. */
async function channelErrorOf(send: Promise<void>): Promise<ChannelError> {
  const error: unknown = await send.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

describe('email', () => {
  let smtp: SmtpReceiver;
  beforeEach(async () => {
    smtp = await startSmtpReceiver();
  });
  afterEach(async () => {
    await smtp.close();
  });

  const to: ChannelAddress = { kind: 'email', address: 'zhang@example.org' };

  it('delivers the message with its delivery key as Message-ID and X-Followup-Delivery', async () => {
    await sendOnChannel(to, message, { smtp: { url: smtp.url, from: FROM } });

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe('"Followup" <followup@example.org>');
    expect(mail.to).toEqual(['zhang@example.org']);
    expect(mail.subject).toBe(message.title);
    expect(mail.text).toBe(message.text);
    // ":", "@" (and ".", which may not repeat) are not allowed in a Message-ID's left part, so they arrive percent-encoded.
    expect(mail.messageId).toBe('<rec-42%3Areply%3A2026-04-01%3Adue%3A0%3Azhang%40example%2Eorg@followup>');
    expect(mail.headers.get('x-followup-delivery')).toBe(message.deliveryKey);
  });

  it('reports a 5xx rejection as permanent, with the server response', async () => {
    smtp.rejectNext(1, 550);
    const error = await channelErrorOf(sendOnChannel(to, message, { smtp: { url: smtp.url, from: FROM } }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^email: /);
    expect(error.message).toContain('550 Message rejected by test receiver');
    expect(smtp.received).toHaveLength(0);
  });

  it('reports a 4xx rejection as retryable', async () => {
    smtp.rejectNext(1, 451);
    const error = await channelErrorOf(sendOnChannel(to, message, { smtp: { url: smtp.url, from: FROM } }));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('451 Message rejected by test receiver');
  });

  it('reports an unreachable server as retryable', async () => {
    const gone = await startSmtpReceiver();
    await gone.close();
    const error = await channelErrorOf(sendOnChannel(to, message, { smtp: { url: gone.url, from: FROM } }));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^email: .*ECONNREFUSED/);
  });

  it('refuses clearly when no SMTP server is configured', async () => {
    const error = await channelErrorOf(sendOnChannel(to, message, {}));
    expect(error.message).toBe('email: no SMTP server configured (SMTP_URL)');
    expect(error.retryable).toBe(false);
  });
});

describe('HTTP channels', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await startHttpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  // The receivers are on loopback: the operator's allow-list lets the channels reach them.
  const settings = { now: () => NOW_MS, outbound: LOOPBACK_ALLOWED };

  describe('generic webhook', () => {
    const SECRET = 'webhook-secret-0123456789';
    const webhook = (): ChannelAddress => ({
      kind: 'webhook',
      address: `${receiver.url}/hooks/followup`,
      secret: SECRET,
    });

    it('posts the signed JSON message', async () => {
      await sendOnChannel(webhook(), message, settings);

      expect(receiver.received).toHaveLength(1);
      const request = receiver.received[0]!;
      expect(request.path).toBe('/hooks/followup');
      expect(request.body).toEqual({
        deliveryKey: message.deliveryKey,
        title: message.title,
        text: message.text,
        data: message.data,
      });
      expect(request.rawBody).toBe(JSON.stringify(request.body));
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-followup-delivery']).toBe(message.deliveryKey);
      expect(request.headers['x-followup-timestamp']).toBe(String(NOW_SECONDS));

      const expected = createHmac('sha256', SECRET).update(`${NOW_SECONDS}.${request.rawBody}`).digest('hex');
      expect(request.headers['x-followup-signature']).toBe(`sha256=${expected}`);
      expect(webhookSignature(SECRET, NOW_SECONDS, request.rawBody)).toBe(`sha256=${expected}`);
    });

    it('is verifiable by the receiver, and tampering or staleness fails verification', async () => {
      await sendOnChannel(webhook(), message, settings);
      const { headers, rawBody } = receiver.received[0]!;
      const signed = { timestamp: headers['x-followup-timestamp'], signature: headers['x-followup-signature'] };

      expect(verifyWebhookSignature(SECRET, signed, rawBody, NOW_SECONDS)).toBe(true);
      expect(verifyWebhookSignature(SECRET, signed, rawBody, NOW_SECONDS + 300)).toBe(true);
      expect(verifyWebhookSignature(SECRET, signed, rawBody.replace('rec-42', 'rec-43'), NOW_SECONDS)).toBe(false);
      expect(verifyWebhookSignature(SECRET, signed, rawBody, NOW_SECONDS + 301)).toBe(false);
      expect(verifyWebhookSignature(SECRET, signed, rawBody, NOW_SECONDS - 301)).toBe(false);
      expect(verifyWebhookSignature('another-secret', signed, rawBody, NOW_SECONDS)).toBe(false);
      expect(
        verifyWebhookSignature(SECRET, { ...signed, timestamp: String(NOW_SECONDS - 1) }, rawBody, NOW_SECONDS),
      ).toBe(false);
      expect(verifyWebhookSignature(SECRET, { ...signed, signature: undefined }, rawBody, NOW_SECONDS)).toBe(false);
      expect(verifyWebhookSignature(SECRET, { ...signed, timestamp: undefined }, rawBody, NOW_SECONDS)).toBe(false);
    });

    it('sends no signature when the channel has no secret', async () => {
      await sendOnChannel({ kind: 'webhook', address: receiver.url }, message, settings);
      expect(receiver.received[0]!.headers['x-followup-signature']).toBeUndefined();
      expect(receiver.received[0]!.headers['x-followup-timestamp']).toBe(String(NOW_SECONDS));
    });

    it('treats HTTP 500 as retryable, naming the status and never what the receiver answered', async () => {
      receiver.respondWith(() => ({ status: 500, body: 'database down' }));
      const error = await channelErrorOf(sendOnChannel(webhook(), message, settings));
      expect(error.retryable).toBe(true);
      expect(error.message).toBe('webhook: HTTP 500');
    });

    it('treats HTTP 400 as permanent and 429 as retryable', async () => {
      receiver.respondWith(() => ({ status: 400, body: { error: 'unknown recipient' } }));
      const rejected = await channelErrorOf(sendOnChannel(webhook(), message, settings));
      expect(rejected.retryable).toBe(false);
      expect(rejected.message).toBe('webhook: HTTP 400');

      receiver.respondWith(() => ({ status: 429, body: 'slow down' }));
      expect((await channelErrorOf(sendOnChannel(webhook(), message, settings))).retryable).toBe(true);
    });

    it('gives up on a receiver that never answers, as retryable', async () => {
      receiver.respondWith(() => new Promise(() => {}));
      const started = Date.now();
      const error = await channelErrorOf(sendOnChannel(webhook(), message, { ...settings, timeoutMs: 200 }));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error.retryable).toBe(true);
      expect(error.message).toBe('webhook: no answer within 200 ms');
      expect(receiver.received).toHaveLength(1);
    });

    it('treats a refused connection as retryable, with the error code', async () => {
      const gone = await startHttpReceiver();
      await gone.close();
      const error = await channelErrorOf(
        sendOnChannel({ kind: 'webhook', address: gone.url, secret: SECRET }, message, settings),
      );
      expect(error.retryable).toBe(true);
      expect(error.message).toBe('webhook: request failed (ECONNREFUSED)');
    });

    it('refuses an address that is not an http(s) URL', async () => {
      const error = await channelErrorOf(sendOnChannel({ kind: 'webhook', address: 'not a url' }, message, settings));
      expect(error.retryable).toBe(false);
      expect(error.message).toBe('webhook: address is not an http(s) URL');
    });
  });

  describe('企业微信 group robot', () => {
    const robot = (): ChannelAddress => ({
      kind: 'wecom',
      address: `${receiver.url}/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa`,
    });

    it('posts a markdown message with the bold title and the text lines as they are', async () => {
      await sendOnChannel(robot(), message, settings);

      const request = receiver.received[0]!;
      expect(request.path).toBe('/cgi-bin/webhook/send');
      expect(request.query).toEqual({ key: '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa' });
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.body).toEqual({
        msgtype: 'markdown',
        markdown: { content: `**${message.title}**\n${message.text}` },
      });
    });

    it('raises the errcode of a refusal with its documented meaning, never the errmsg; only the rate limit is retryable', async () => {
      receiver.respondWith(() => ({
        status: 200,
        body: { errcode: 93000, errmsg: 'invalid webhook url, hint: [1775000000_1_abc]' },
      }));
      const invalidKey = await channelErrorOf(sendOnChannel(robot(), message, settings));
      expect(invalidKey.retryable).toBe(false);
      expect(invalidKey.message).toBe('wecom: robot refused the message: errcode 93000 (invalid webhook URL or key)');

      receiver.respondWith(() => ({ status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } }));
      const rateLimited = await channelErrorOf(sendOnChannel(robot(), message, settings));
      expect(rateLimited.retryable).toBe(true);
      expect(rateLimited.message).toBe('wecom: robot refused the message: errcode 45009 (rate limit exceeded)');

      receiver.respondWith(() => ({ status: 200, body: { errcode: 40058, errmsg: 'some text of the robot' } }));
      const unknown = await channelErrorOf(sendOnChannel(robot(), message, settings));
      expect(unknown.message).toBe('wecom: robot refused the message: errcode 40058');
    });

    it('rejects an answer that is not the robot protocol, without repeating it', async () => {
      receiver.respondWith(() => ({ status: 200, body: '<html>login</html>' }));
      const error = await channelErrorOf(sendOnChannel(robot(), message, settings));
      expect(error.retryable).toBe(false);
      expect(error.message).toBe("wecom: unexpected answer (not the robot's JSON verdict)");
    });

    it('truncates long content to 4096 bytes without splitting a character', async () => {
      const long = { ...message, text: '检察建议'.repeat(500) }; // 6000 bytes of 3-byte characters
      await sendOnChannel(robot(), long, settings);

      const { content } = (receiver.received[0]!.body as { markdown: { content: string } }).markdown;
      const full = `**${long.title}**\n${long.text}`;
      expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
      expect(Buffer.byteLength(content)).toBeGreaterThan(4090);
      expect(content.endsWith('…')).toBe(true);
      expect(full.startsWith(content.slice(0, -1))).toBe(true);
      expect(content).not.toContain('\uFFFD');
    });
  });

  describe('钉钉 group robot', () => {
    const SECRET = 'SECb6c1f3a0e0d54b1f9c7b2f7d5e1a9c3b8e0f2d4a6c8e0b2d4f6a8c0e2f4a6b8d';
    const TOKEN = '3f1e5a7c9b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a4c6b8d0f2e';
    const robot = (secret?: string): ChannelAddress => ({
      kind: 'dingtalk',
      address: `${receiver.url}/robot/send?access_token=${TOKEN}`,
      secret,
    });

    it('signs the URL with 加签 and posts a markdown message', async () => {
      await sendOnChannel(robot(SECRET), message, settings);

      const request = receiver.received[0]!;
      expect(request.path).toBe('/robot/send');
      expect(request.query.access_token).toBe(TOKEN);
      expect(request.query.timestamp).toBe(String(NOW_MS));
      // Recomputed here from DingTalk's documented recipe, from the timestamp as received.
      const sign = createHmac('sha256', SECRET).update(`${request.query.timestamp}\n${SECRET}`).digest('base64');
      expect(request.query.sign).toBe(sign);
      expect(Object.keys(request.query)).toEqual(['access_token', 'timestamp', 'sign']);

      expect(request.headers['content-type']).toBe('application/json');
      expect(request.body).toEqual({
        msgtype: 'markdown',
        markdown: {
          title: message.title,
          text: `### ${message.title}\n\n${message.text.split('\n').join('  \n  ')}`,
        },
      });
    });

    it('URL-encodes the base64 sign', () => {
      const signed = dingtalkSignedUrl(`https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`, SECRET, NOW_MS);
      const sign = createHmac('sha256', SECRET).update(`${NOW_MS}\n${SECRET}`).digest('base64');
      expect(signed).toBe(
        `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}&timestamp=${NOW_MS}&sign=${encodeURIComponent(sign)}`,
      );
      expect(signed.slice(signed.indexOf('&sign=') + 6)).toMatch(/^[A-Za-z0-9%]+$/);
    });

    it('leaves the URL alone without a secret', async () => {
      await sendOnChannel(robot(), message, settings);
      expect(receiver.received[0]!.query).toEqual({ access_token: TOKEN });
    });

    it('raises the errcode of a refusal with its documented meaning; only the rate limit is retryable', async () => {
      receiver.respondWith(() => ({
        status: 200,
        body: {
          errcode: 310000,
          errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]',
        },
      }));
      const badSign = await channelErrorOf(sendOnChannel(robot(SECRET), message, settings));
      expect(badSign.retryable).toBe(false);
      expect(badSign.message).toBe(
        'dingtalk: robot refused the message: errcode 310000 (security settings not met: keyword, 加签 signature or IP address)',
      );

      receiver.respondWith(() => ({
        status: 200,
        body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' },
      }));
      const tooFast = await channelErrorOf(sendOnChannel(robot(SECRET), message, settings));
      expect(tooFast.retryable).toBe(true);
      expect(tooFast.message).toBe('dingtalk: robot refused the message: errcode 130101 (sending too fast)');
    });

    it('treats an HTTP 502 from a gateway as retryable', async () => {
      receiver.respondWith(() => ({ status: 502, body: 'Bad Gateway' }));
      const error = await channelErrorOf(sendOnChannel(robot(SECRET), message, settings));
      expect(error.retryable).toBe(true);
      expect(error.message).toBe('dingtalk: HTTP 502');
    });
  });
});

describe('where HTTP channels may go', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await startHttpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const channels = (base: string): ChannelAddress[] => [
    { kind: 'webhook', address: `${base}/hooks/followup`, secret: 'webhook-secret-0123456789' },
    { kind: 'wecom', address: `${base}/cgi-bin/webhook/send?key=k` },
    { kind: 'dingtalk', address: `${base}/robot/send?access_token=t`, secret: 'SECsecret' },
  ];

  async function refusal(channel: ChannelAddress, outbound?: OutboundPolicy): Promise<string> {
    const error = await channelErrorOf(sendOnChannel(channel, message, { outbound }));
    expect(error.retryable, error.message).toBe(false);
    expect(error.message).toMatch(new RegExp(`^${channel.kind}: address refused: `));
    return error.message;
  }

  it('without the allow-list, reaches nothing on loopback, however the address is written', async () => {
    const { port } = receiver;
    const addresses = [
      receiver.url,
      `http://localhost:${port}`,
      `http://LocalHost.:${port}`,
      `http://followup.localhost:${port}`,
      `http://127.1:${port}`,
      `http://2130706433:${port}`,
      `http://0x7f.0.0.1:${port}`,
      `http://0.0.0.0:${port}`,
      `http://[::1]:${port}`,
      `http://[::ffff:127.0.0.1]:${port}`,
      `http://[::ffff:7f00:1]:${port}`,
    ];
    for (const address of addresses)
      for (const channel of channels(address)) {
        expect(await refusal(channel), address).toMatch(/loopback address|names this machine|"this network"/);
      }
    expect(receiver.received).toHaveLength(0);

    // The same receiver is reached once the operator allows its host: the refusals above were the policy.
    for (const channel of channels(receiver.url)) await sendOnChannel(channel, message, { outbound: LOOPBACK_ALLOWED });
    expect(receiver.received).toHaveLength(3);
  });

  it('allows the hosts as the operator wrote them: another name of the same machine is still refused', async () => {
    for (const channel of channels(`http://localhost:${receiver.port}`))
      expect(await refusal(channel, LOOPBACK_ALLOWED)).toMatch(/names this machine/);
    expect(receiver.received).toHaveLength(0);
  });

  it("refuses the engine's own ports, even on an allowed host, unless the entry names the port", async () => {
    const enginePorts = [receiver.port];
    const hostOnly: OutboundPolicy = { allowedHosts: [{ host: '127.0.0.1' }], enginePorts };
    for (const channel of channels(receiver.url))
      expect(await refusal(channel, hostOnly)).toMatch(`port ${receiver.port} is one of this engine's own ports`);
    expect(receiver.received).toHaveLength(0);

    const withPort: OutboundPolicy = { allowedHosts: [{ host: '127.0.0.1', port: receiver.port }], enginePorts };
    await sendOnChannel(channels(receiver.url)[0]!, message, { outbound: withPort });
    expect(receiver.received).toHaveLength(1);
  });

  it('does not follow a redirect to an address it may not reach, nor any other', async () => {
    const target = await startHttpReceiver();
    try {
      const onlyTheFirst: OutboundPolicy = {
        allowedHosts: [{ host: '127.0.0.1', port: receiver.port }],
        enginePorts: [],
      };
      for (const status of [301, 302, 303, 307, 308]) {
        receiver.respondWith(() => ({ status, body: '', headers: { location: `${target.url}/internal` } }));
        for (const channel of channels(receiver.url)) {
          const error = await channelErrorOf(sendOnChannel(channel, message, { outbound: onlyTheFirst }));
          expect(error.message).toBe(`${channel.kind}: HTTP ${status} (redirects are not followed)`);
          expect(error.retryable).toBe(false);
        }
      }
      expect(receiver.received).toHaveLength(15);
      expect(target.received).toHaveLength(0);
      // Even to a host it may reach: a redirected POST would lose its body or its signature.
      receiver.respondWith(() => ({ status: 307, body: '', headers: { location: `${receiver.url}/elsewhere` } }));
      await channelErrorOf(sendOnChannel(channels(receiver.url)[0]!, message, { outbound: LOOPBACK_ALLOWED }));
      expect(receiver.received.map((r) => r.path)).not.toContain('/elsewhere');
    } finally {
      await target.close();
    }
  });

  it('never repeats what a failing receiver answered', async () => {
    const marker = 'INTERNAL-SECRET-7f3a';
    const answers = [
      { status: 500, body: `<h1>${marker}</h1>` },
      { status: 404, body: { error: marker } },
      { status: 200, body: `${marker} is not JSON` },
      { status: 200, body: { errcode: 93000, errmsg: marker } },
      { status: 200, body: { errcode: `${marker}`, errmsg: marker } },
      { status: 200, body: marker.repeat(10_000) },
    ];
    for (const answer of answers) {
      receiver.respondWith(() => answer);
      // A generic webhook takes any 2xx as accepted; the robots' verdict is in the body.
      const failing = channels(receiver.url).filter((c) => answer.status !== 200 || c.kind !== 'webhook');
      for (const channel of failing) {
        const error = await channelErrorOf(sendOnChannel(channel, message, { outbound: LOOPBACK_ALLOWED }));
        expect(error.message).not.toContain(marker);
        expect(error.message.length).toBeLessThan(200);
      }
    }
  });
});

// The machine's own name resolves to one of its own addresses (loopback, or its interface's): only DNS says so.
const ownName = hostname();
const ownNameResolves = await lookup(ownName).then(
  () => true,
  () => false,
);

describe.skipIf(!ownNameResolves)('a host name, checked where it resolves to', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    // On every interface, so that the machine's name reaches it whichever of its addresses the name resolves to.
    receiver = await startHttpReceiver('0.0.0.0');
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('is refused when it resolves to this machine, and connects to the checked address once allowed', async () => {
    const address = `http://${ownName}:${receiver.port}/hooks/followup`;
    const error = await channelErrorOf(sendOnChannel({ kind: 'webhook', address }, message, {}));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^webhook: address refused: the host resolves to (a .* address|this machine)/);
    expect(receiver.received).toHaveLength(0);

    const allowed: OutboundPolicy = { allowedHosts: [{ host: ownName.toLowerCase() }], enginePorts: [] };
    await sendOnChannel({ kind: 'webhook', address }, message, { outbound: allowed });
    expect(receiver.received).toHaveLength(1);
    // Nor does a connection kept from the allowed request carry a refused one.
    await channelErrorOf(sendOnChannel({ kind: 'webhook', address }, message, {}));
    expect(receiver.received).toHaveLength(1);
  });
});
