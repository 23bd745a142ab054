import { createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { createTransport, type NodemailerError, type Transporter } from 'nodemailer';
import { PUBLIC_ONLY, type OutboundPolicy } from '../domain/outboundAddress';
import { connectionFor, RefusedDestination } from './outboundPolicy';

export type ChannelKind = 'email' | 'webhook' | 'wecom' | 'dingtalk';

/** Where a person is reached: an e-mail address, or a webhook URL (generic, 企业微信 group robot, 钉钉 group robot). */
export interface ChannelAddress {
  kind: ChannelKind;
  address: string;
  /** webhook: HMAC key; dingtalk: the robot's 加签 secret (SEC…), optional */
  secret?: string | null;
}

export interface OutgoingMessage {
  /** Idempotency key of this delivery, stable across retries (sent as Message-ID / X-Followup-Delivery). */
  deliveryKey: string;
  /** Short Chinese subject, e.g. 检察建议到期提醒. */
  title: string;
  /** Plain Chinese text (may contain newlines). */
  text: string;
  /** Structured payload for the generic webhook. */
  data: Record<string, unknown>;
}

export interface ChannelSettings {
  /** e.g. { url: 'smtp://127.0.0.1:2525', from: 'Followup <followup@example.org>' } */
  smtp?: { url: string; from: string };
  /** Per request, default 10_000. */
  timeoutMs?: number;
  /** Which hosts on the local network HTTP channels may reach (CHANNEL_ALLOWED_HOSTS); default: none. */
  outbound?: OutboundPolicy;
  /** For signatures' timestamps; default Date.now. */
  now?: () => number;
}

export class ChannelError extends Error {
  override readonly name = 'ChannelError';

  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Sends one message on one channel. Resolves when the remote side accepted it; throws ChannelError
 * otherwise, naming the channel kind and the outcome: an HTTP status, a robot's errcode, a network
 * error code. What an HTTP receiver answers is never repeated: the message ends up in the API.
 */
export async function sendOnChannel(
  channel: ChannelAddress,
  message: OutgoingMessage,
  settings: ChannelSettings,
): Promise<void> {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = settings.now ?? Date.now;
  const http = { timeoutMs, policy: settings.outbound ?? PUBLIC_ONLY };
  switch (channel.kind) {
    case 'email':
      return sendEmail(channel.address, message, settings.smtp, timeoutMs);
    case 'webhook':
      return sendWebhook(channel, message, now(), http);
    case 'wecom':
      return sendWecom(channel.address, message, http);
    case 'dingtalk':
      return sendDingtalk(channel, message, now(), http);
    default:
      throw new ChannelError(`unknown channel kind ${JSON.stringify((channel as { kind: unknown }).kind)}`, false);
  }
}

/** Generic webhook signature, as the `x-followup-signature` header value: `sha256=` + hex HMAC-SHA256 of `${timestamp}.${rawBody}`. */
export function webhookSignature(secret: string, timestampSeconds: number, rawBody: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
}

/** For receivers: true when signature matches and |now - timestamp| <= toleranceSeconds (default 300). Constant-time compare. */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (headers.timestamp === undefined || !/^\d+$/.test(headers.timestamp) || headers.signature === undefined)
    return false;
  const timestamp = Number(headers.timestamp);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, rawBody));
  const given = Buffer.from(headers.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** 钉钉 加签: appends timestamp (ms) and sign = base64(HMAC-SHA256(key=secret, `${timestamp}\n${secret}`)), URL-encoded. */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const sign = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
  return `${url}${url.includes('?') ? '&' : '?'}timestamp=${timestampMs}&sign=${encodeURIComponent(sign)}`;
}

// ---- e-mail

/** A plain SMTP transport holds no connection between messages, so one per URL is enough. */
const transports = new Map<string, Transporter>();

/** Errors without an SMTP reply that a retry cannot fix (bad configuration, unusable address). */
const PERMANENT_EMAIL_ERRORS = new Set(['ECONFIG', 'EENVELOPE']);

async function sendEmail(
  to: string,
  message: OutgoingMessage,
  smtp: ChannelSettings['smtp'],
  timeoutMs: number,
): Promise<void> {
  if (!smtp) throw new ChannelError('email: no SMTP server configured (SMTP_URL)', false);
  let transport = transports.get(smtp.url);
  if (!transport) {
    transport = createTransport(smtp.url);
    transports.set(smtp.url, transport);
  }
  try {
    await transport.sendMail({
      from: smtp.from,
      to,
      subject: message.title,
      text: message.text,
      messageId: messageIdFor(message.deliveryKey),
      headers: { 'X-Followup-Delivery': message.deliveryKey },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    const error = cause as NodemailerError;
    if (error.code === 'EABORT')
      throw new ChannelError(`email: SMTP server did not accept the message within ${timeoutMs} ms`, true);
    // `permanent` is set whenever the server replied: true for 5xx (except 503), false for 4xx.
    const retryable =
      error.responseCode !== undefined ? error.permanent !== true : !PERMANENT_EMAIL_ERRORS.has(error.code ?? '');
    const reply =
      error.response && !error.message.includes(error.response) ? ` (SMTP response: ${error.response})` : '';
    throw new ChannelError(`email: ${error.message}${reply}`, retryable);
  }
}

/** A Message-ID local part may only hold atext; percent-encoding everything else keeps distinct keys distinct. */
function messageIdFor(deliveryKey: string): string {
  const local = encodeURIComponent(deliveryKey).replace(
    /[.()]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
  return `<${local}@followup>`;
}

// ---- HTTP channels

/** How HTTP channels send: the time allowed per request, and where they may connect. */
interface HttpOptions {
  timeoutMs: number;
  policy: OutboundPolicy;
}

async function sendWebhook(
  channel: ChannelAddress,
  message: OutgoingMessage,
  nowMs: number,
  http: HttpOptions,
): Promise<void> {
  const timestamp = Math.floor(nowMs / 1000);
  const { deliveryKey, title, text, data } = message;
  const rawBody = JSON.stringify({ deliveryKey, title, text, data });
  const headers: Record<string, string> = {
    'x-followup-delivery': asciiHeaderValue(deliveryKey),
    'x-followup-timestamp': String(timestamp),
  };
  if (channel.secret) headers['x-followup-signature'] = webhookSignature(channel.secret, timestamp, rawBody);
  await postJson('webhook', channel.address, rawBody, headers, http);
}

/** 企业微信 limits markdown content to 4096 bytes of UTF-8. */
const WECOM_CONTENT_LIMIT_BYTES = 4096;
/** 45009: API rate limit exceeded; -1: system busy. Both documented as "try again later". */
const WECOM_RETRYABLE_ERRCODES = new Set([45009, -1]);
/** What the documented errcodes mean, in words of our own: the robot's errmsg is never repeated. */
const WECOM_ERRCODES = new Map([
  [93000, 'invalid webhook URL or key'],
  [45009, 'rate limit exceeded'],
  [-1, 'system busy'],
]);

async function sendWecom(url: string, message: OutgoingMessage, http: HttpOptions): Promise<void> {
  const content = truncateUtf8(`**${message.title}**\n${message.text}`, WECOM_CONTENT_LIMIT_BYTES);
  const answer = await postJson('wecom', url, JSON.stringify({ msgtype: 'markdown', markdown: { content } }), {}, http);
  checkRobotAnswer('wecom', answer, WECOM_RETRYABLE_ERRCODES, WECOM_ERRCODES);
}

/** 130101: sending too fast; -1: system busy. */
const DINGTALK_RETRYABLE_ERRCODES = new Set([130101, -1]);
const DINGTALK_ERRCODES = new Map([
  [310000, 'security settings not met: keyword, 加签 signature or IP address'],
  [300001, 'invalid access_token'],
  [130101, 'sending too fast'],
  [-1, 'system busy'],
]);

async function sendDingtalk(
  channel: ChannelAddress,
  message: OutgoingMessage,
  nowMs: number,
  http: HttpOptions,
): Promise<void> {
  const url = channel.secret ? dingtalkSignedUrl(channel.address, channel.secret, nowMs) : channel.address;
  // DingTalk renders a bare "\n" as nothing; its documentation asks for two spaces on either side.
  const text = `### ${message.title}\n\n${message.text.split(/\r?\n/).join('  \n  ')}`;
  const answer = await postJson(
    'dingtalk',
    url,
    JSON.stringify({ msgtype: 'markdown', markdown: { title: message.title, text } }),
    {},
    http,
  );
  checkRobotAnswer('dingtalk', answer, DINGTALK_RETRYABLE_ERRCODES, DINGTALK_ERRCODES);
}

/** A robot's verdict is a short JSON object; an answer longer than this is not one. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs JSON where the outbound policy allows, and returns the body of a 2xx answer. Redirects are
 * not followed: a redirected POST would lose its body, or carry it where the policy was not asked.
 * Errors name the status or the network error code only, and never the URL: robot URLs carry their key.
 */
async function postJson(
  kind: ChannelKind,
  address: string,
  body: string,
  headers: Record<string, string>,
  { timeoutMs, policy }: HttpOptions,
): Promise<string> {
  if (!URL.canParse(address) || !/^https?:$/.test(new URL(address).protocol))
    throw new ChannelError(`${kind}: address is not an http(s) URL`, false);
  let answer: { status: number; body: string };
  try {
    const { url, lookup } = connectionFor(address, policy);
    answer = await post(url, body, { 'content-type': 'application/json', ...headers }, lookup, timeoutMs);
  } catch (error) {
    if (error instanceof RefusedDestination)
      throw new ChannelError(`${kind}: address refused: ${error.message}`, false);
    if (error instanceof AnswerTimeout) throw new ChannelError(`${kind}: no answer within ${timeoutMs} ms`, true);
    const code = (error as NodeJS.ErrnoException).code;
    throw new ChannelError(`${kind}: request failed${code ? ` (${code})` : ''}`, true);
  }
  const { status } = answer;
  if (status >= 300 && status <= 399)
    throw new ChannelError(`${kind}: HTTP ${status} (redirects are not followed)`, false);
  if (status < 200 || status > 299) {
    const retryable = status === 408 || status === 429 || status >= 500;
    throw new ChannelError(`${kind}: HTTP ${status}`, retryable);
  }
  return answer.body;
}

class AnswerTimeout extends Error {}

/** One POST on a connection of its own (no pooled socket outlives the policy it was checked under). */
function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  lookup: LookupFunction | undefined,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup,
      agent: false,
    });
    const timer = setTimeout(() => request.destroy(new AnswerTimeout()), timeoutMs);
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      outcome();
    };
    request.on('error', (error) => settle(() => reject(error)));
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        settle(() => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        request.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) done();
      });
      response.on('end', done);
      response.on('error', (error) => settle(() => reject(error)));
    });
    request.end(body);
  });
}

/** Both robots answer HTTP 200 even on failure; the verdict is in `errcode` (0 = accepted). */
function checkRobotAnswer(
  kind: ChannelKind,
  answer: string,
  retryableErrcodes: ReadonlySet<number>,
  meanings: ReadonlyMap<number, string>,
): void {
  const errcode = robotErrcode(answer);
  if (errcode === undefined) throw new ChannelError(`${kind}: unexpected answer (not the robot's JSON verdict)`, false);
  if (errcode !== 0) {
    const meaning = meanings.get(errcode);
    throw new ChannelError(
      `${kind}: robot refused the message: errcode ${errcode}${meaning ? ` (${meaning})` : ''}`,
      retryableErrcodes.has(errcode),
    );
  }
}

function robotErrcode(answer: string): number | undefined {
  try {
    const errcode = (JSON.parse(answer) as { errcode?: unknown } | null)?.errcode;
    return Number.isSafeInteger(errcode) ? (errcode as number) : undefined;
  } catch {
    return undefined;
  }
}

/** Cuts at a character boundary and marks the cut with "…", staying within maxBytes of UTF-8. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const ellipsis = '…';
  let budget = maxBytes - Buffer.byteLength(ellipsis);
  let kept = '';
  for (const char of text) {
    budget -= Buffer.byteLength(char);
    if (budget < 0) break;
    kept += char;
  }
  return kept + ellipsis;
}

/** fetch only accepts Latin-1 header values; non-ASCII in a delivery key is percent-encoded. */
function asciiHeaderValue(value: string): string {
  return value.replace(/[^\x20-\x7e]/gu, encodeURIComponent);
}
