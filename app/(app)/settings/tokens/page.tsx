import { TokensPanel } from "@/components/settings/tokens-panel";

export const metadata = { title: "API tokens" };

export default function SettingsTokensPanelPage() {
  return <TokensPanel />;
}
