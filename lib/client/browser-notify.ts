// Browser notifications for run ends, only when the operator asked for them (a user gesture
// asks the permission) and only while the tab is hidden — a visible tab has the bell.
const PREF_KEY = "onramp.browserNotifications";

export const browserNotificationsSupported = (): boolean => typeof window !== "undefined" && "Notification" in window;

export function browserNotificationsWanted(): boolean {
  try {
    return (
      browserNotificationsSupported() &&
      window.localStorage.getItem(PREF_KEY) === "on" &&
      Notification.permission === "granted"
    );
  } catch {
    return false;
  }
}

/** Called from a click: asks the browser once, remembers the choice. Answers the permission. */
export async function enableBrowserNotifications(on: boolean): Promise<NotificationPermission | "unsupported"> {
  if (!browserNotificationsSupported()) return "unsupported";
  try {
    if (!on) {
      window.localStorage.removeItem(PREF_KEY);
      return Notification.permission;
    }
    const permission =
      Notification.permission === "default" ? await Notification.requestPermission() : Notification.permission;
    if (permission === "granted") window.localStorage.setItem(PREF_KEY, "on");
    return permission;
  } catch {
    return "denied";
  }
}

export function showBrowserNotification(n: { id: string; title: string; body: string; href: string }): void {
  if (!browserNotificationsWanted() || document.visibilityState !== "hidden") return;
  try {
    const shown = new Notification(n.title, { body: n.body, tag: n.id });
    shown.onclick = () => {
      window.focus();
      window.location.assign(n.href);
    };
  } catch {
    // Some browsers only allow notifications from a service worker; the bell still has it.
  }
}
