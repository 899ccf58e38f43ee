import { OperationsList } from "@/components/operations/operations-list";

export const metadata = { title: "Operations" };

export default function OperationsPage() {
  return <OperationsList />;
}
