/**
 * Web Push on this device: asks the browser for permission, subscribes through the service worker
 * with the server's VAPID key, and tells the API where to send (docs/api/live.md). The service worker
 * (public/sw.js) shows what arrives.
 */
import type { PushSubscriptionInput } from '@walkydoggy/shared';
import { notificationsApi } from '../api/notifications';

export type PushProblem = 'unsupported' | 'denied' | 'dismissed';

/** Why push could not be turned on, with a sentence for the person. */
export class PushError extends Error {
  readonly reason: PushProblem;
  constructor(reason: PushProblem, message: string) {
    super(message);
    this.name = 'PushError';
    this.reason = reason;
  }
}

const MESSAGES: Record<PushProblem, string> = {
  unsupported:
    'This browser cannot receive notifications from WalkyDoggy. On iPhone and iPad, add WalkyDoggy to your home screen first; elsewhere, try a current Chrome, Edge, Firefox or Safari.',
  denied: 'Notifications are blocked for WalkyDoggy in your browser settings. Allow them there, then try again.',
  dismissed: 'Notifications stay off: the browser did not get your permission.',
};

/** How long to wait for the service worker before calling push unavailable (it never comes in some setups). */
const WORKER_TIMEOUT_MS = 10_000;

export function pushSupported(): boolean {
  return (
    typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof window !== 'undefined' && 'PushManager' in window && 'Notification' in window
  );
}

/** The browser's answer so far: 'default' (not asked), 'granted', 'denied', or 'unsupported'. */
export function pushPermission(): NotificationPermission | 'unsupported' {
  return pushSupported() ? Notification.permission : 'unsupported';
}

/** A VAPID key as the API sends it (base64url, no padding) into the bytes `pushManager.subscribe` wants. */
export function urlBase64ToUint8Array(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = base64url.padEnd(base64url.length + ((4 - (base64url.length % 4)) % 4), '=');
  const binary = atob(padded.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
}

/**
 * The service worker's registration. In development main.ts does not register it, so push registers
 * it here; `ready` then resolves once it is active.
 */
async function workerRegistration(): Promise<ServiceWorkerRegistration> {
  const existing = await navigator.serviceWorker.getRegistration();
  if (!existing) await navigator.serviceWorker.register('/sw.js');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PushError('unsupported', MESSAGES.unsupported)), WORKER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([navigator.serviceWorker.ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** This device's push subscription, or null (also when push is not supported). */
export async function currentPushSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  return registration ? registration.pushManager.getSubscription() : null;
}

/** Asks for permission, subscribes this device and registers it with the API. Throws PushError or ApiError. */
export async function enablePush(): Promise<PushSubscription> {
  if (!pushSupported()) throw new PushError('unsupported', MESSAGES.unsupported);
  const permission = await Notification.requestPermission();
  if (permission === 'denied') throw new PushError('denied', MESSAGES.denied);
  if (permission !== 'granted') throw new PushError('dismissed', MESSAGES.dismissed);

  const { data } = await notificationsApi.pushKey();
  const key = urlBase64ToUint8Array(data.publicKey);
  const registration = await workerRegistration();
  let subscription = await registration.pushManager.getSubscription();
  // A subscription made with an older server key cannot be reused: subscribe() would refuse it.
  if (subscription && !sameBytes(subscription.options?.applicationServerKey, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  await notificationsApi.addPushSubscription(subscription.toJSON() as PushSubscriptionInput);
  return subscription;
}

/** Unsubscribes this device and tells the API to forget it. */
export async function disablePush(): Promise<void> {
  const subscription = await currentPushSubscription();
  if (!subscription) return;
  const { endpoint } = subscription;
  await subscription.unsubscribe();
  await notificationsApi.removePushSubscription(endpoint);
}

/**
 * On sign-in: hands this device's existing subscription to the API again. The browser may have
 * renewed it, or someone else used push on this device before; the API re-owns a known endpoint.
 */
export async function syncPushSubscription(): Promise<boolean> {
  if (pushPermission() !== 'granted') return false;
  const subscription = await currentPushSubscription();
  if (!subscription) return false;
  await notificationsApi.addPushSubscription(subscription.toJSON() as PushSubscriptionInput);
  return true;
}
