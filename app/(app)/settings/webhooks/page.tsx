import { WebhooksPanel } from "@/components/settings/webhooks-panel";

export const metadata = { title: "Webhooks" };

export default function SettingsWebhooksPanelPage() {
  return <WebhooksPanel />;
}
