-- AlterTable
ALTER TABLE "OnboardingSession" ADD COLUMN     "progress" INTEGER NOT NULL DEFAULT 0;
