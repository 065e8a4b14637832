/** qrcode-terminal ships no types; this is the one function the adapter uses. */
declare module "qrcode-terminal" {
  const qrcodeTerminal: {
    generate(input: string, options: { readonly small?: boolean }, callback: (art: string) => void): void
  }
  export default qrcodeTerminal
}
