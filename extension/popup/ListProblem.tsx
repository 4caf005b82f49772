// Why a popup list could not be loaded (its own failure: the other list may still show).
/** The list's failure message, read out when it appears. */
export function ListProblem({ message }: { message: string }) {
  return (
    <p className="popup-error" role="alert" data-popup="list-error">
      {message}
    </p>
  );
}
