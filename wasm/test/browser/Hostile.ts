// formatMessageText of the default kernels, for the Node side of the browser test.
import { defaultKernels } from "../../src/index.js"

export const formatMessageText = async (text: string): Promise<string> =>
  (await defaultKernels()).formatMessageText(text)
