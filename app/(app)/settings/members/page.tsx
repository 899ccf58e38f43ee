import { MembersPanel } from "@/components/settings/members-panel";

export const metadata = { title: "Members" };

export default function SettingsMembersPanelPage() {
  return <MembersPanel />;
}
