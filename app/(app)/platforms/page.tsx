import { PlatformList } from "@/components/platforms/platform-list";

export const metadata = { title: "Platforms" };

export default function PlatformsPage() {
  return <PlatformList />;
}
