/** An error the user should see now, announced to screen readers; nothing when there is none. */
export function ErrorText({ message }: { readonly message: string | null }) {
  if (message === null) return null;
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}
