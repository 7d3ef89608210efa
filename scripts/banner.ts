/** The "Try:" part of the banner `npm start` and `npm run cluster` print: a payment created with curl. */
export function tryItLines(apiUrl: string, apiKeyShown: string): string[] {
  return [
    'Try:',
    `  curl -s -X POST ${apiUrl}/v1/payments -H "Authorization: Bearer ${apiKeyShown}" \\`,
    `       -H "Idempotency-Key: $(date +%s)" -H "Content-Type: application/json" \\`,
    `       -d '{"amount":1000000,"currency":"IDR","return_url":"https://shop.example/return"}'`,
    '',
  ];
}
