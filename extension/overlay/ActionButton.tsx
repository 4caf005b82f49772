// A banner's action button (progress while pending) and the inline error it leaves on failure.
import type { ReactNode, Ref } from 'react';

/** Props of {@link ActionButton}. */
export interface ActionButtonProps {
  /** The `data-baton` name the e2e tests select by. */
  baton: string;
  label: string;
  /** Not needed for a `submit` button (the form's submit handler acts). */
  onClick?: () => void;
  type?: 'button' | 'submit';
  /** In flight: disabled, `aria-busy`, and the label ends with "…". */
  pending?: boolean;
  disabled?: boolean;
  variant?: 'primary' | 'secondary';
  /** Shown before the label (an aria-hidden icon). */
  icon?: ReactNode;
  /** Explains a disabled button (e.g. offline). */
  title?: string;
  ariaExpanded?: boolean;
  ref?: Ref<HTMLButtonElement>;
}

/**
 * A real `<button type="button">` with its progress state.
 *
 * @example <ActionButton baton="release" label="Release to AI" pending={release.pending} onClick={onRelease} />
 */
export function ActionButton({ baton, label, onClick, type = 'button', pending = false, disabled = false, variant = 'secondary', icon, title, ariaExpanded, ref }: ActionButtonProps) {
  return (
    <button
      ref={ref}
      type={type}
      className={`baton-button baton-button--${variant}`}
      data-baton={baton}
      disabled={disabled || pending}
      aria-busy={pending ? true : undefined}
      aria-expanded={ariaExpanded}
      title={title}
      onClick={onClick}
    >
      {icon}
      <span>{pending ? `${label}…` : label}</span>
    </button>
  );
}

/**
 * An action's failure, next to its button (`role=alert`: read out when it appears). Renders nothing
 * without a message.
 */
export function ActionError({ message, baton = 'action-error' }: { message: string | null; baton?: string }) {
  if (message === null) return null;
  return (
    <p className="baton-error" data-baton={baton} role="alert">
      {message}
    </p>
  );
}
