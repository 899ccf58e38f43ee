import { ConnectionsPanel } from "@/components/settings/connections-panel";

export const metadata = { title: "Connections" };

export default function SettingsConnectionsPanelPage() {
  return <ConnectionsPanel />;
}
