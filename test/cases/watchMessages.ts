// User-data stream messages, good and bad, with what decoding them must give. Plain data: replayed by
// test/watch.events.test.ts through the core's decoder, and by each edition's watcher spec through the fake's
// stream (a malformed frame is reported and skipped, never the end of the watcher).

/** Binance's documented example, with an exponent-form zero and a trailing zero kept as written. */
export const accountMessage = {
  e: "PM_PRO_ACCOUNT_UPDATE",
  E: 1564745798939,
  u: "1.99999999",
  eq: "30.23416728",
  ae: "30.23416700",
  im: "20.6783833",
  mm: "15.11708371",
  avb: "3.98972738",
  vmw: "0E-8"
} as const

/** A frame and the reason it is refused. */
export const malformedMessages: ReadonlyArray<readonly [string, string]> = [
  ["", "not JSON"],
  ["{\"e\":", "not JSON"],
  ["null", "not a JSON object"],
  ["[1]", "not a JSON object"],
  ["\"PM_PRO_ACCOUNT_UPDATE\"", "not a JSON object"],
  ["{}", "e: expected the event type, a string"],
  ["{\"e\":\"\"}", "e: expected the event type, a string"],
  ["{\"e\":5}", "e: expected the event type, a string"],
  ["{\"e\":\"listenKeyExpired\",\"E\":-1}", "E: expected the event time in epoch ms"],
  ["{\"e\":\"listenKeyExpired\",\"E\":1.5}", "E: expected the event time in epoch ms"],
  ["{\"e\":\"listenKeyExpired\",\"E\":\"soon\"}", "E: expected the event time in epoch ms"],
  ["{\"e\":\"listenKeyExpired\",\"E\":null}", "E: expected the event time in epoch ms"],
  [
    JSON.stringify({ ...accountMessage, vmw: 3.98972738 }),
    "PM_PRO_ACCOUNT_UPDATE: vmw: expected a decimal string"
  ],
  [
    JSON.stringify({ ...accountMessage, u: undefined, mm: "1,5" }),
    "PM_PRO_ACCOUNT_UPDATE: u: is missing; mm: expected a decimal string"
  ],
  [
    "{\"e\":\"RISK_LEVEL_CHANGE\",\"E\":5}",
    "RISK_LEVEL_CHANGE: s: expected a risk level such as MARGIN_CALL, REDUCE_ONLY, FORCE_LIQUIDATION"
  ],
  [
    "{\"e\":\"riskLevelChange\",\"E\":5,\"s\":\"margin call\"}",
    "riskLevelChange: s: expected a risk level such as MARGIN_CALL, REDUCE_ONLY, FORCE_LIQUIDATION"
  ]
]
