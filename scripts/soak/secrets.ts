/**
 * Looks for secrets in everything the client produced: every error rendered every way a program might print
 * it, and every log line. Fixed secrets (keys, passphrase, PEM body) are searched as substrings at once;
 * signatures are only known at the end (from the fake's log), so long tokens are collected meanwhile and
 * checked against them then.
 */
import * as Util from "node:util"

export interface Leaks {
  readonly secretKey: number
  readonly apiKey: number
  readonly privateKeyPem: number
  readonly passphrase: number
  readonly signature: number
  readonly signedUrl: number
}

export interface Secrets {
  readonly secretKeys: ReadonlyArray<string>
  readonly apiKeys: ReadonlyArray<string>
  readonly pems: ReadonlyArray<string>
  readonly passphrases: ReadonlyArray<string>
}

// A signature or a piece of one: hex, base64 or URL-encoded base64, 40 characters and more.
const TOKEN = /[A-Za-z0-9+/=%]{40,}/g
// A query that carries a signature value (the fake's log and our own errors write "<redacted>" instead).
const SIGNED_URL = /signature=(?!<redacted>|%3Credacted%3E)[A-Za-z0-9%+/=]{8,}/i
const MAX_TOKENS = 200_000

/** Every way a caller might print an error. */
export const renderings = (error: unknown): ReadonlyArray<string> => {
  if (typeof error !== "object" || error === null) return [String(error)]
  const e = error as { message?: unknown; stack?: unknown }
  let json: string
  try {
    json = JSON.stringify(error) ?? ""
  } catch (cause) {
    json = `JSON.stringify threw: ${String(cause)}`
  }
  return [
    String(error),
    json,
    Util.inspect(error, { depth: 10, showHidden: true }),
    typeof e.message === "string" ? e.message : "",
    typeof e.stack === "string" ? e.stack : ""
  ]
}

export class LeakScanner {
  private readonly counts = {
    secretKey: 0,
    apiKey: 0,
    privateKeyPem: 0,
    passphrase: 0,
    signature: 0,
    signedUrl: 0
  }
  private readonly fixed: ReadonlyArray<readonly [keyof Leaks, string]>
  private readonly tokens = new Set<string>()
  scanned = 0

  constructor(secrets: Secrets) {
    const pemLines = secrets.pems.flatMap((pem) =>
      pem.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith("-----"))
    )
    this.fixed = [
      ...secrets.secretKeys.map((s) => ["secretKey", s] as const),
      ...secrets.apiKeys.map((s) => ["apiKey", s] as const),
      ...pemLines.map((s) => ["privateKeyPem", s] as const),
      ...secrets.passphrases.map((s) => ["passphrase", s] as const)
    ]
  }

  scan(text: string): void {
    this.scanned++
    for (const [kind, secret] of this.fixed) if (text.includes(secret)) this.counts[kind]++
    if (SIGNED_URL.test(text)) this.counts.signedUrl++
    if (this.tokens.size < MAX_TOKENS) { for (const match of text.matchAll(TOKEN)) this.tokens.add(match[0]) }
  }

  scanError(error: unknown): void {
    for (const text of renderings(error)) this.scan(text)
  }

  /** Counts found; `signatures` are every signature the fake received, as sent. */
  finish(signatures: Iterable<string>): Leaks {
    const wanted = new Set<string>()
    for (const signature of signatures) {
      wanted.add(signature)
      try {
        wanted.add(decodeURIComponent(signature))
      } catch {
        // not URL-encoded
      }
    }
    let signature = 0
    for (const token of this.tokens) {
      if (wanted.has(token)) {
        signature++
        continue
      }
      for (const s of wanted) {
        if (token.length > s.length && token.includes(s)) {
          signature++
          break
        }
      }
    }
    return { ...this.counts, signature }
  }
}
