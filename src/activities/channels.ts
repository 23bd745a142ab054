import { createHmac, timingSafeEqual } from 'node:crypto';
import { createTransport, type NodemailerError, type Transporter } from 'nodemailer';

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
 * (naming the channel kind and what the remote said) otherwise.
 */
export async function sendOnChannel(
  channel: ChannelAddress,
  message: OutgoingMessage,
  settings: ChannelSettings,
): Promise<void> {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = settings.now ?? Date.now;
  switch (channel.kind) {
    case 'email':
      return sendEmail(channel.address, message, settings.smtp, timeoutMs);
    case 'webhook':
      return sendWebhook(channel, message, now(), timeoutMs);
    case 'wecom':
      return sendWecom(channel.address, message, timeoutMs);
    case 'dingtalk':
      return sendDingtalk(channel, message, now(), timeoutMs);
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

async function sendWebhook(
  channel: ChannelAddress,
  message: OutgoingMessage,
  nowMs: number,
  timeoutMs: number,
): Promise<void> {
  const timestamp = Math.floor(nowMs / 1000);
  const { deliveryKey, title, text, data } = message;
  const rawBody = JSON.stringify({ deliveryKey, title, text, data });
  const headers: Record<string, string> = {
    'x-followup-delivery': asciiHeaderValue(deliveryKey),
    'x-followup-timestamp': String(timestamp),
  };
  if (channel.secret) headers['x-followup-signature'] = webhookSignature(channel.secret, timestamp, rawBody);
  await postJson('webhook', channel.address, rawBody, headers, timeoutMs);
}

/** 企业微信 limits markdown content to 4096 bytes of UTF-8. */
const WECOM_CONTENT_LIMIT_BYTES = 4096;
/** 45009: API rate limit exceeded; -1: system busy. Both documented as "try again later". */
const WECOM_RETRYABLE_ERRCODES = new Set([45009, -1]);

async function sendWecom(url: string, message: OutgoingMessage, timeoutMs: number): Promise<void> {
  const content = truncateUtf8(`**${message.title}**\n${message.text}`, WECOM_CONTENT_LIMIT_BYTES);
  const answer = await postJson(
    'wecom',
    url,
    JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
    {},
    timeoutMs,
  );
  checkRobotAnswer('wecom', answer, WECOM_RETRYABLE_ERRCODES);
}

/** 130101: sending too fast; -1: system busy. */
const DINGTALK_RETRYABLE_ERRCODES = new Set([130101, -1]);

async function sendDingtalk(
  channel: ChannelAddress,
  message: OutgoingMessage,
  nowMs: number,
  timeoutMs: number,
): Promise<void> {
  const url = channel.secret ? dingtalkSignedUrl(channel.address, channel.secret, nowMs) : channel.address;
  // DingTalk renders a bare "\n" as nothing; its documentation asks for two spaces on either side.
  const text = `### ${message.title}\n\n${message.text.split(/\r?\n/).join('  \n  ')}`;
  const answer = await postJson(
    'dingtalk',
    url,
    JSON.stringify({ msgtype: 'markdown', markdown: { title: message.title, text } }),
    {},
    timeoutMs,
  );
  checkRobotAnswer('dingtalk', answer, DINGTALK_RETRYABLE_ERRCODES);
}

/** POSTs JSON and returns the body of a 2xx answer. URLs are left out of messages: robot URLs carry their access key. */
async function postJson(
  kind: ChannelKind,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string> {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw new ChannelError(`${kind}: address is not an http(s) URL`, false);
  let status: number;
  let answer: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      redirect: 'manual', // a redirected POST would lose its body or go unsigned elsewhere
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    answer = await response.text();
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError')
      throw new ChannelError(`${kind}: no answer within ${timeoutMs} ms`, true);
    throw new ChannelError(`${kind}: request failed: ${describeFetchError(error)}`, true);
  }
  if (status < 200 || status > 299) {
    const retryable = status === 408 || status === 429 || status >= 500;
    throw new ChannelError(`${kind}: HTTP ${status}: ${excerpt(answer)}`, retryable);
  }
  return answer;
}

/** Both robots answer HTTP 200 even on failure; the verdict is in `errcode` (0 = accepted). */
function checkRobotAnswer(kind: ChannelKind, answer: string, retryableErrcodes: ReadonlySet<number>): void {
  const reply = parseRobotReply(answer);
  if (!reply) throw new ChannelError(`${kind}: unexpected answer: ${excerpt(answer)}`, false);
  if (reply.errcode !== 0) {
    throw new ChannelError(
      `${kind}: robot refused the message: errcode ${reply.errcode}, errmsg ${String(reply.errmsg)}`,
      retryableErrcodes.has(reply.errcode),
    );
  }
}

function parseRobotReply(answer: string): { errcode: number; errmsg?: unknown } | undefined {
  try {
    const reply: unknown = JSON.parse(answer);
    const errcode = (reply as { errcode?: unknown } | null)?.errcode;
    return typeof errcode === 'number' ? { errcode, errmsg: (reply as { errmsg?: unknown }).errmsg } : undefined;
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

/** undici reports "fetch failed" and keeps the reason (ECONNREFUSED, …) in `cause`. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? flat.slice(0, 200) + '…' : flat || '(empty body)';
}
