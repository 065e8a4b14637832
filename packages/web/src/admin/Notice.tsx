/** What an action just did (sent, adjusted, removed…), announced to screen readers; nothing while there is none. */
export const Notice = ({ text, testId }: { text: string | undefined; testId?: string }) =>
  text === undefined ? null : (
    <p className="notice" role="status" data-testid={testId}>
      {text}
    </p>
  )
