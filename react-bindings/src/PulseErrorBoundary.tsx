'use client';

import { Component, type ContextType, type ErrorInfo, type ReactNode } from 'react';
import { captureError } from '@pulse/sdk';
import { PulseContext } from './PulseContext.js';
import { clientOrFallback } from './usePulse.js';

/** What a fallback function receives. */
export interface PulseErrorFallbackProps {
  /** The value thrown while rendering. */
  error: unknown;
  /** Renders the children again (after the app fixed what made them throw). */
  reset: () => void;
}

export interface PulseErrorBoundaryProps {
  /** Shown instead of the children after they threw; nothing when absent. */
  fallback?: ReactNode | ((props: PulseErrorFallbackProps) => ReactNode);
  /** Called once per caught error (Pulse counts it a microtask later, once the commit is done). */
  onError?: (error: unknown, info: ErrorInfo) => void;
  /** The subtree whose render errors are caught and counted. */
  children?: ReactNode;
}

interface PulseErrorBoundaryState {
  failed: boolean;
  error: unknown;
}

/**
 * An error boundary that counts render errors in `pulse_js_errors_total{kind="react"}`, with the
 * same short fingerprint as uncaught errors (the SDK's `captureError`). Only the fingerprint
 * leaves the page; the message too only if the app set `captureErrorMessages`.
 */
export class PulseErrorBoundary extends Component<
  PulseErrorBoundaryProps,
  PulseErrorBoundaryState
> {
  static override contextType = PulseContext;
  declare context: ContextType<typeof PulseContext>;
  override state: PulseErrorBoundaryState = { failed: false, error: undefined };

  static getDerivedStateFromError(error: unknown): PulseErrorBoundaryState {
    return { failed: true, error };
  }

  // Called once per caught error, in the commit; render-phase retries do not reach it. The error
  // is counted a microtask later, once the commit is done: a route hook above the boundary
  // (usePulseRoute) reports the new route in this same commit, after the boundary caught, and the
  // error belongs to the page view of the route that failed to render.
  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    const client = clientOrFallback(this.context);
    queueMicrotask(() => captureError(client, error, 'react'));
    this.props.onError?.(error, info);
  }

  reset = (): void => this.setState({ failed: false, error: undefined });

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const { fallback } = this.props;
    return typeof fallback === 'function'
      ? fallback({ error: this.state.error, reset: this.reset })
      : (fallback ?? null);
  }
}
