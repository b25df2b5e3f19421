"""党组织生活管理平台: a town party committee's platform for organisational life."""
